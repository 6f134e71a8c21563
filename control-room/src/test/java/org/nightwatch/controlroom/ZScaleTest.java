package org.nightwatch.controlroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thumbnails' stretch is the one astronomers know: our zscale limits equal astropy's
 * {@code ZScaleInterval} (Debian's python3-astropy) on cutouts like the pipeline's (sky noise, a star,
 * a cosmic ray, NaN where there is no data) and on an image large enough to be sampled with a stride.
 */
class ZScaleTest {
    @TempDir
    Path dir;

    static float[] image(int n, long seed, boolean star, int nans) {
        Random r = new Random(seed);
        float[] v = new float[n];
        int side = (int) Math.round(Math.sqrt(n));
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1000 + 12 * r.nextGaussian());
            if (star) {
                double dx = i % side - side / 2.0;
                double dy = i / side - side / 2.0;
                v[i] += (float) (5000 * Math.exp(-(dx * dx + dy * dy) / (2 * 1.8 * 1.8)));
            }
        }
        v[r.nextInt(n)] = 60000; // a cosmic ray
        for (int k = 0; k < nans; k++) {
            v[r.nextInt(n)] = Float.NaN;
        }
        return v;
    }

    @Test
    void limitsMatchAstropysZScaleInterval() throws Exception {
        List<float[]> images = new ArrayList<>();
        images.add(image(29 * 29, 1, true, 0));
        images.add(image(29 * 29, 2, false, 0));
        images.add(image(29 * 29, 3, true, 40));
        images.add(image(120 * 120, 4, true, 7)); // > 1000 pixels: sampled with a stride
        float[] ramp = new float[29 * 29];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i * 0.5f;
        }
        images.add(ramp);
        String script = String.join("\n",
            "import sys, numpy as np",
            "from astropy.visualization import ZScaleInterval",
            "for f in sys.argv[1:]:",
            "    lo, hi = ZScaleInterval().get_limits(np.fromfile(f, dtype='<f4'))",
            "    print('%.6f %.6f' % (lo, hi))");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        List<double[]> ours = new ArrayList<>();
        for (int k = 0; k < images.size(); k++) {
            float[] v = images.get(k);
            Path f = dir.resolve("image-" + k + ".f32");
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            Files.write(f, b.array());
            cmd.add(f.toString());
            ours.add(ZScale.limits(v, 0, v.length));
        }
        String[] lines = run(cmd).split("\n");
        assertEquals(images.size(), lines.length, String.join("\n", lines));
        for (int k = 0; k < images.size(); k++) {
            String[] p = lines[k].trim().split(" ");
            double lo = Double.parseDouble(p[0]);
            double hi = Double.parseDouble(p[1]);
            double[] z = ours.get(k);
            assertEquals(lo, z[0], 1e-3 + 1e-6 * Math.abs(lo), "image " + k + " low limit");
            assertEquals(hi, z[1], 1e-3 + 1e-6 * Math.abs(hi), "image " + k + " high limit");
        }
        // the star and the cosmic ray do not set the stretch: the sky does
        double[] z = ours.get(0);
        assertTrue(z[0] > 900 && z[1] < 1200, "sky-noise limits, not the star's peak: " + z[0] + " " + z[1]);
    }

    @Test
    void limitsOfAnOffsetChannelAndOfNoDataAtAll() {
        float[] two = new float[2 * 29 * 29];
        float[] second = image(29 * 29, 5, true, 0);
        System.arraycopy(second, 0, two, 29 * 29, second.length);
        assertArrayEquals(ZScale.limits(second, 0, second.length), ZScale.limits(two, 29 * 29, 29 * 29), 0);
        float[] nothing = new float[29 * 29];
        java.util.Arrays.fill(nothing, Float.NaN);
        assertArrayEquals(new double[] {0, 0}, ZScale.limits(nothing, 0, nothing.length), 0);
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
