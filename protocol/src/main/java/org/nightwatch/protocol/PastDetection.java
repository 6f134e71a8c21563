package org.nightwatch.protocol;

/**
 * One past detection of an object, without its cutout: what an alert carries of the object's history (not the
 * difference stage's {@code workers.diff.Detection}, a source found on one difference image).
 *
 * @param candidateId the {@link Candidate} it came from
 * @param mjd         MJD (UTC) at the middle of the visit
 * @param flux        PSF flux on the difference, ADU per frame, signed
 * @param score       real/bogus score
 */
public record PastDetection(String candidateId, int sensor, long visit, double mjd, double ra, double dec, double flux, double fluxErr,
                        double snr, double mag, double magErr, int sign, int flags, double score) {

    public static PastDetection of(Candidate c) {
        return new PastDetection(c.id(), c.sensor(), c.visit(), c.mjd(), c.ra(), c.dec(), c.flux(), c.fluxErr(), c.snr(), c.mag(),
            c.magErr(), c.sign(), c.flags(), c.score());
    }
}
