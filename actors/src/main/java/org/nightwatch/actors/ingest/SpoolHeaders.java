package org.nightwatch.actors.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** The spool's FITS keywords: frame masks and lists, visit flags, row coverage, and reading them back naming the file. */
final class SpoolHeaders {
    private SpoolHeaders() {
    }

    /** Frames as a hexadecimal mask, frame 0 the lowest bit, {@code ceil(fpv / 4)} digits (at most 64: one card). */
    static String frameMask(BitSet frames, int framesPerVisit) {
        int digits = Math.max(1, (framesPerVisit + 3) / 4);
        StringBuilder b = new StringBuilder(digits);
        for (int d = digits - 1; d >= 0; d--) {
            int v = 0;
            for (int bit = 3; bit >= 0; bit--) {
                v = (v << 1) | (frames.get(d * 4 + bit) ? 1 : 0);
            }
            b.append(Character.forDigit(v, 16));
        }
        return b.toString();
    }

    static BitSet frameMask(String hex, Path file) {
        BitSet b = new BitSet();
        String h = hex.trim();
        for (int i = 0; i < h.length(); i++) {
            int v = Character.digit(h.charAt(h.length() - 1 - i), 16);
            if (v < 0) {
                throw new IllegalArgumentException(file + ": FRAMEMSK = " + hex + " is not a hexadecimal frame mask (FRAMEMSK)");
            }
            for (int bit = 0; bit < 4; bit++) {
                if ((v & (1 << bit)) != 0) {
                    b.set(i * 4 + bit);
                }
            }
        }
        return b;
    }


    static String frameList(BitSet frames) {
        StringBuilder b = new StringBuilder();
        frames.stream().forEach(i -> b.append(b.length() > 0 ? "," : "").append(i));
        return b.toString();
    }

    static BitSet frames(String list) {
        BitSet b = new BitSet();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                b.set(Integer.parseInt(s.trim()));
            }
        }
        return b;
    }

    static String flagList(EnumSet<VisitFlag> flags) {
        StringBuilder b = new StringBuilder();
        for (VisitFlag f : flags) {
            b.append(b.length() > 0 ? "," : "").append(f.name());
        }
        return b.toString();
    }

    /** Row coverage as runs "COUNTxROWS", split over keywords of at most 60 characters. */
    static List<String> coverage(StackBuffer b) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int y = 0;
        while (y < b.height) {
            int c = b.rowCoverage[y];
            int n = 1;
            while (y + n < b.height && b.rowCoverage[y + n] == c) {
                n++;
            }
            String run = c + "x" + n;
            if (cur.length() + run.length() + 1 > 60) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            cur.append(cur.length() > 0 ? "," : "").append(run);
            y += n;
        }
        out.add(cur.toString());
        return out;
    }

    static void readCoverage(Map<String, String> k, short[] into, Path file) {
        int y = 0;
        for (int i = 1; k.containsKey("COVER" + i); i++) {
            for (String run : k.get("COVER" + i).split(",")) {
                String[] p = run.trim().split("x");
                int c = Integer.parseInt(p[0]);
                int n = Integer.parseInt(p[1]);
                for (int j = 0; j < n && y < into.length; j++) {
                    into[y++] = (short) c;
                }
            }
        }
        if (y != into.length) {
            throw new IllegalArgumentException(file + ": row coverage for " + y + " rows, the sensor has " + into.length);
        }
    }

    static String value(Map<String, String> k, String key, Path file) {
        String v = k.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": no " + key + " keyword");
        }
        return v.trim();
    }

    static long lng(Map<String, String> k, String key, Path file) {
        try {
            return Long.parseLong(value(k, key, file));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + key + " = " + k.get(key) + " is not an integer");
        }
    }

    static double num(Map<String, String> k, String key, Path file) {
        try {
            return Double.parseDouble(value(k, key, file));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + key + " = " + k.get(key) + " is not a number");
        }
    }
}
