package org.nightwatch.workers.diff;

/** Too few usable star stamps to fit a PSF-matching kernel (the visit falls back to a Gaussian kernel). */
public final class InsufficientKernelStarsException extends DiffException {
    private static final long serialVersionUID = 1L;

    public InsufficientKernelStarsException(String message) {
        super(message);
    }
}
