#!/usr/bin/python3
"""Write a small recorded night in nightwatch's recorded-night layout (ARCHITECTURE section 4.2) with
astropy and numpy alone, as another tool would: night.json, sensor-00/visit-00000{0,1}.fits (uint16 cubes
of 12 frames through BZERO) and references/sensor-00/field-00000.fits (float32), all with a TAN WCS made
by astropy.wcs. Visit 1 holds a new point source (a transient) at FITS pixel (1201.3, 501.7), which the
reference and visit 0 lack. The reference has NaN where it has no data (its first 40 columns, a few
bad pixels), as stacking tools write it.

Used by ReplaySystemTest (Debian's python3-astropy, installed by scripts/install-test-tools):
    /usr/bin/python3 write_night.py OUT_DIR
"""
import json
import os
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

W, H, FPV, RATE = 2000, 1128, 12, 2.0
GAIN, READ_NOISE, SATURATE, SKY = 1.2, 2.0, 60000, 1000.0
TRANSIENT = (1201.3, 501.7)  # FITS 1-based x, y
TRANSIENT_FLUX = 4000.0      # ADU per frame


def wcs():
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = [10.0, 20.0]
    w.wcs.crpix = [(W + 1) / 2, (H + 1) / 2]
    w.wcs.cd = np.array([[-1.19 / 3600, 0.0], [0.0, 1.19 / 3600]])
    return w


def stars(rng, n=400):
    x = rng.uniform(20, W - 20, n)
    y = rng.uniform(20, H - 20, n)
    flux = 10 ** rng.uniform(2.5, 4.7, n)  # ADU per frame
    return x, y, flux


def render(xs, ys, fluxes, fwhm):
    """Gaussian point sources, 0-based centres, into a W x H image."""
    img = np.zeros((H, W), dtype=np.float64)
    s = fwhm / 2.3548
    r = int(np.ceil(5 * s))
    for x, y, f in zip(xs, ys, fluxes):
        x0, y0 = int(round(x)), int(round(y))
        xa, xb = max(0, x0 - r), min(W, x0 + r + 1)
        ya, yb = max(0, y0 - r), min(H, y0 + r + 1)
        gx = np.arange(xa, xb) - x
        gy = np.arange(ya, yb) - y
        stamp = np.exp(-(gy[:, None] ** 2 + gx[None, :] ** 2) / (2 * s * s))
        img[ya:yb, xa:xb] += f * stamp / (2 * np.pi * s * s)
    return img


def main(out):
    rng = np.random.default_rng(7)
    xs, ys, fl = stars(rng)
    w = wcs()
    ref_dir = os.path.join(out, "references", "sensor-00")
    os.makedirs(ref_dir, exist_ok=True)
    os.makedirs(os.path.join(out, "sensor-00"), exist_ok=True)

    # the reference: a deep stack (20 frames' noise averaged) in better seeing
    ref = SKY + render(xs, ys, fl, 2.2)
    ref += rng.normal(0, np.sqrt(ref / GAIN + (READ_NOISE / GAIN) ** 2) / np.sqrt(20))
    ref[:, :40] = np.nan  # columns the reference's stack does not cover, as astropy and SWarp write them
    ref[700:705, 900:905] = np.nan  # and a few bad pixels
    h = w.to_header()
    for k, v in [("GAIN", GAIN), ("RDNOISE", READ_NOISE), ("SATURATE", SATURATE), ("SEEING", 2.2), ("NCOMBINE", 20)]:
        h[k] = v
    fits.PrimaryHDU(ref.astype(np.float32), header=h).writeto(os.path.join(ref_dir, "field-00000.fits"), overwrite=True)

    for visit in (0, 1):
        scene = SKY + render(xs, ys, fl, 2.6)
        if visit == 1:
            scene += render([TRANSIENT[0] - 1], [TRANSIENT[1] - 1], [TRANSIENT_FLUX], 2.6)
        cube = np.empty((FPV, H, W), dtype=np.uint16)
        for k in range(FPV):
            e = rng.poisson(np.clip(scene, 0, None) * GAIN) / GAIN + rng.normal(0, READ_NOISE / GAIN, scene.shape)
            cube[k] = np.clip(np.round(e), 0, 65535).astype(np.uint16)
        h = w.to_header()
        t0 = np.datetime64("2026-10-15T12:00:00.000") + np.timedelta64(int(visit * FPV / RATE * 1000), "ms")
        for k, v in [("SENSOR", 0), ("VISIT", visit), ("FIELD", 0), ("DATE-OBS", str(t0)), ("EXPTIME", 1 / RATE),
                     ("NFRAMES", FPV), ("FRAMERAT", RATE), ("GAIN", GAIN), ("RDNOISE", READ_NOISE), ("SATURATE", SATURATE)]:
            h[k] = v
        fits.PrimaryHDU(cube, header=h).writeto(os.path.join(out, "sensor-00", "visit-%06d.fits" % visit), overwrite=True)

    manifest = {"format_version": 1,
                "site": {"name": "Kiso Observatory", "latitude_deg": 35.7972, "longitude_deg": 137.6253, "height_m": 1130.0},
                "date": "2026-10-15", "survey_mode": "high-cadence", "frames_per_visit": FPV, "frame_rate_hz": RATE,
                "width": W, "height": H, "sensors": [0], "simulated": False}
    with open(os.path.join(out, "night.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])
