package org.nightwatch.camera.fits;

import java.nio.file.Path;

/**
 * A FITS file that cannot be used: truncated, corrupt, wrong dimensions, a missing or wrong keyword.
 * The message always names the file (and the keyword when one is at fault).
 */
public final class FitsFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public FitsFormatException(Path file, String problem) {
        super(file + ": " + printable(problem));
        this.file = file;
    }

    public FitsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + printable(problem + (cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "")), cause);
        this.file = file;
    }

    /**
     * The problem as one printable line: a header value quoted in it may hold any byte of a damaged file, and
     * a newline or a terminal escape from there must not reach the operator's terminal or the log as such.
     */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public Path file() {
        return file;
    }
}
