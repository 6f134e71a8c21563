package org.nightwatch.scheduler;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.TableHDU;

/**
 * The user's catalogue of known variable stars: candidates within the association radius of an entry are
 * set aside, not alerted. Read from CSV (a header row naming columns {@code ra} and {@code dec} in degrees,
 * optionally {@code name}) or a FITS binary table (columns RA and DEC in degrees, optionally NAME). A file
 * that cannot be read whole is refused with the line or row and column at fault, before the night starts.
 */
public final class KnownVariables {
    /** One catalogue entry. */
    public record Entry(String name, double ra, double dec) {
    }

    private final List<Entry> entries;
    private final Associator index;

    private KnownVariables(List<Entry> entries, double radiusArcsec) {
        this.entries = List.copyOf(entries);
        this.index = new Associator(radiusArcsec);
        for (Entry e : entries) {
            index.add(new SkyObject(e.name(), -1, -1, e.ra(), e.dec()));
        }
    }

    public static KnownVariables none(double radiusArcsec) {
        return new KnownVariables(List.of(), radiusArcsec);
    }

    public static KnownVariables of(List<Entry> entries, double radiusArcsec) {
        return new KnownVariables(entries, radiusArcsec);
    }

    public int size() {
        return entries.size();
    }

    /** The name of the catalogued variable within the radius of (ra, dec), or null. */
    public String match(double ra, double dec) {
        SkyObject o = index.nearest(ra, dec);
        return o == null ? null : o.id();
    }

    /** Reads a catalogue; {@link CatalogueException} names the file and what is wrong where. */
    public static KnownVariables read(Path file, double radiusArcsec) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogueException(file + ": known-variable catalogue not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Entry> e = name.endsWith(".fits") || name.endsWith(".fit") || name.endsWith(".fits.gz") ? readFits(file) : readCsv(file);
        return new KnownVariables(e, radiusArcsec);
    }

    /**
     * CSV as spreadsheets and TOPCAT write it, read by Jackson's CSV parser: quoted fields (a name such as
     * "Mira, o Ceti" once broke a split on commas), spaces around fields, blank lines and '#' comment lines.
     */
    private static List<Entry> readCsv(Path file) {
        List<Entry> out = new ArrayList<>();
        CsvMapper csv = CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES,
            CsvParser.Feature.SKIP_EMPTY_LINES, CsvParser.Feature.ALLOW_COMMENTS).build();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CsvParser p = (CsvParser) csv.createParser(r)) {
            List<String> cols = null;
            int ra = -1;
            int dec = -1;
            int nm = -1;
            while (p.nextToken() == JsonToken.START_ARRAY) {
                int no = p.currentLocation().getLineNr();
                List<String> f = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    f.add(p.getText());
                }
                if (cols == null) {
                    cols = f.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
                    ra = cols.indexOf("ra");
                    dec = cols.indexOf("dec");
                    nm = cols.indexOf("name");
                    if (ra < 0 || dec < 0) {
                        throw new CatalogueException(file + ": line " + no + ": the header needs columns 'ra' and 'dec' (degrees), found " + cols);
                    }
                    continue;
                }
                if (f.size() != cols.size()) {
                    throw new CatalogueException(file + ": line " + no + ": " + f.size() + " fields, the header has " + cols.size());
                }
                double a = number(file, no, "ra", f.get(ra));
                double d = number(file, no, "dec", f.get(dec));
                check(file, "line " + no, a, d);
                out.add(new Entry(nm >= 0 && !f.get(nm).isBlank() ? f.get(nm) : String.format(Locale.ROOT, "J%.5f%+.5f", a, d), a, d));
            }
            if (cols == null) {
                throw new CatalogueException(file + ": empty; expected a header row with columns ra,dec[,name]");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CatalogueException(file + ": line " + e.getLocation().getLineNr() + ": not CSV: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CatalogueException(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    private static double number(Path file, int line, String col, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new CatalogueException(file + ": line " + line + ", column '" + col + "': not a number: '" + text.trim() + "'");
        }
    }

    private static void check(Path file, String where, double ra, double dec) {
        if (!(ra >= 0 && ra < 360)) {
            throw new CatalogueException(file + ": " + where + ", column 'ra': " + ra + " is outside [0, 360) degrees");
        }
        if (!(dec >= -90 && dec <= 90)) {
            throw new CatalogueException(file + ": " + where + ", column 'dec': " + dec + " is outside [-90, 90] degrees");
        }
    }

    private static List<Entry> readFits(Path file) {
        List<Entry> out = new ArrayList<>();
        try (Fits f = new Fits(file.toFile())) {
            BasicHDU<?>[] hdus = f.read();
            TableHDU<?> table = null;
            for (BasicHDU<?> h : hdus) {
                if (h instanceof BinaryTableHDU b) {
                    table = b;
                    break;
                }
            }
            if (table == null) {
                throw new CatalogueException(file + ": no binary table (expected columns RA, DEC[, NAME])");
            }
            int ra = column(table, "RA");
            int dec = column(table, "DEC");
            int nm = column(table, "NAME");
            if (ra < 0 || dec < 0) {
                throw new CatalogueException(file + ": the table needs columns RA and DEC (degrees)");
            }
            for (int row = 0; row < table.getNRows(); row++) {
                double a = ((Number) scalar(table.getElement(row, ra))).doubleValue();
                double d = ((Number) scalar(table.getElement(row, dec))).doubleValue();
                check(file, "row " + (row + 1), a, d);
                String n = nm >= 0 ? String.valueOf(scalar(table.getElement(row, nm))).trim()
                    : String.format(Locale.ROOT, "J%.5f%+.5f", a, d);
                out.add(new Entry(n, a, d));
            }
        } catch (FitsException | IOException | ClassCastException e) {
            throw new CatalogueException(file + ": not a readable FITS table: " + e.getMessage());
        }
        return out;
    }

    private static int column(TableHDU<?> t, String name) {
        for (int c = 0; c < t.getNCols(); c++) {
            if (name.equalsIgnoreCase(t.getColumnName(c) == null ? "" : t.getColumnName(c).trim())) {
                return c;
            }
        }
        return -1;
    }

    private static Object scalar(Object o) {
        if (o != null && o.getClass().isArray()) {
            if (o instanceof double[] d) {
                return d[0];
            }
            if (o instanceof float[] f) {
                return (double) f[0];
            }
            if (o instanceof int[] i) {
                return (double) i[0];
            }
            if (o instanceof long[] l) {
                return (double) l[0];
            }
            if (o instanceof String[] s) {
                return s[0];
            }
        }
        return o;
    }

    /** A catalogue file that cannot be used; the message names the file and the place at fault. */
    public static final class CatalogueException extends RuntimeException {
        public CatalogueException(String message) {
            super(message);
        }
    }
}
