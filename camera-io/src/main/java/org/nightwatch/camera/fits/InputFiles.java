package org.nightwatch.camera.fits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Input files are opened only when they are regular files. Opening a FIFO blocks until something writes to it (a
 * visit file that was one made a replay wait forever, saying nothing), a device may never end, and a directory
 * is not a file: each is refused with its name before anything opens it.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** The size of {@code file}, a regular file (or a link to one); otherwise a {@link FitsFormatException} naming it. */
    public static long regularSize(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FitsFormatException(file, "no such file");
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
        if (a.isDirectory()) {
            throw new FitsFormatException(file, "a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new FitsFormatException(file, "not a regular file (a FIFO, socket or device), refused: reading it could block");
        }
        return a.size();
    }

    /**
     * {@code file}'s size, as {@link #regularSize}, when it lies inside the night directory {@code night} once
     * links are followed: a recorded night is read as one unit, and a link in it that leads elsewhere on the
     * machine (another night, a system file) is refused, naming both.
     */
    public static long regularSizeInside(Path night, Path file) {
        long size = regularSize(file);
        try {
            Path real = file.toRealPath();
            Path root = night.toRealPath();
            if (!real.startsWith(root)) {
                throw new FitsFormatException(file, "leads to " + real + ", outside the night " + root + ": refused");
            }
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot resolve", e);
        }
        return size;
    }
}
