package org.nightwatch.controlroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.nightwatch.protocol.Candidate;

/** A cutout drawn as operators expect: zscale grey, pixel blocks, row 0 at the bottom, no data black. */
class StampImageTest {
    static final int S = Candidate.CUTOUT;

    static float[] cutout() {
        float[] c = new float[3 * S * S];
        java.util.Random r = new java.util.Random(9);
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (500 + 10 * r.nextGaussian());
        }
        return c;
    }

    @Test
    void aBrightPixelIsWhiteAndDrawnAsABlockAtItsPlaceWithRowZeroAtTheBottom() throws Exception {
        float[] c = cutout();
        int diff = StampImage.channel("difference");
        c[diff * S * S + 2 * S + 20] = 9000; // x 20, y 2 (FITS row 2, near the bottom)
        c[diff * S * S + 5 * S + 3] = Float.NaN; // x 3, y 5: no data
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(StampImage.png(c, diff, 4)));
        assertEquals(S * 4, img.getWidth());
        assertEquals(S * 4, img.getHeight());
        int bottomRowTop = (S - 1 - 2) * 4;
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) {
                assertEquals(255, img.getRaster().getSample(20 * 4 + dx, bottomRowTop + dy, 0));
                assertEquals(0, img.getRaster().getSample(3 * 4 + dx, (S - 1 - 5) * 4 + dy, 0), "no data is black");
            }
        }
        int sky = img.getRaster().getSample(10 * 4, 10 * 4, 0);
        assertTrue(sky > 0 && sky < 255, "sky is grey, not clipped: " + sky);
    }

    @Test
    void channelsByNameAndScalesOutOfRangeRefused() {
        assertEquals(0, StampImage.channel("reference"));
        assertEquals(1, StampImage.channel("new"));
        assertEquals(2, StampImage.channel("difference"));
        assertEquals(-1, StampImage.channel("../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> StampImage.png(cutout(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> StampImage.png(cutout(), 0, StampImage.MAX_SCALE + 1));
    }
}
