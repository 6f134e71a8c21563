package org.nightwatch.workers.diff;

/** Too few stars matched between the new image and the reference to refine the registration. */
public final class RegistrationException extends DiffException {
    private static final long serialVersionUID = 1L;

    public RegistrationException(String message) {
        super(message);
    }
}
