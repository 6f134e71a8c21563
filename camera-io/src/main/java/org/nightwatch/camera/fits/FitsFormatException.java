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
        super(file + ": " + problem);
        this.file = file;
    }

    public FitsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem + (cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""), cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
