package org.nightwatch.actors.diff;

import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.workers.diff.Affine;

/** The new-to-reference pixel map implied by two TAN WCS, the starting point of registration. */
public final class WcsMap {
    private WcsMap() {
    }

    /** Fitted as an affine map over a 5 x 5 grid of points of the new image; identity if it cannot be. */
    public static Affine between(VisitMetadata.TanWcs nw, VisitMetadata.TanWcs rf, int width, int height) {
        int k = 0;
        double[] x = new double[25];
        double[] y = new double[25];
        double[] u = new double[25];
        double[] v = new double[25];
        boolean[] use = new boolean[25];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                x[k] = (width - 1) * i / 4.0;
                y[k] = (height - 1) * j / 4.0;
                double[] sky = nw.pixelToSky(x[k], y[k]);
                double[] p = rf.skyToPixel(sky[0], sky[1]);
                u[k] = p[0];
                v[k] = p[1];
                use[k] = Double.isFinite(p[0]) && Double.isFinite(p[1]);
                k++;
            }
        }
        Affine a = Affine.fit(x, y, u, v, use);
        return a != null ? a : Affine.IDENTITY;
    }
}
