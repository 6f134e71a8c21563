"""Writes a reference and a new image of one star field with astropy, as another survey's tools would.

    python3 make_pair.py OUTDIR

ref.fits: float32, seeing 2.0 px, a TAN WCS, no GAIN/SATURATE (the subtract command must default them).
new.fits: unsigned 16-bit through BZERO (astropy's uint16 convention), seeing 2.8 px, offset by
(+0.4, -0.3) px on the sky grid, GAIN/RDNOISE/SATURATE, and one new point source at x=301.0, y=222.0
(FITS 1-based) that is absent from the reference.
"""
import sys
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

out = sys.argv[1]
rng = np.random.default_rng(42)
W, H = 800, 600
yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
n = 900
sx = rng.uniform(-5, W + 5, n)
sy = rng.uniform(-5, H + 5, n)
flux = 10 ** rng.uniform(2.5, 5.0, n)
dx, dy = 0.4, -0.3


def render(seeing, shift_x, shift_y):
    s = seeing / 2.3548
    img = np.full((H, W), 200.0)
    for x, y, f in zip(sx + shift_x, sy + shift_y, flux):
        x0, y0 = int(round(x)), int(round(y))
        ys, xs = slice(max(0, y0 - 10), min(H, y0 + 11)), slice(max(0, x0 - 10), min(W, x0 + 11))
        img[ys, xs] += f / (2 * np.pi * s * s) * np.exp(-((xx[ys, xs] - x) ** 2 + (yy[ys, xs] - y) ** 2) / (2 * s * s))
    return img


def wcs(crpix1, crpix2):
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = [150.0, 30.0]
    w.wcs.crpix = [crpix1, crpix2]
    w.wcs.cd = [[-1.19 / 3600, 0], [0, 1.19 / 3600]]
    return w


ref = render(2.0, 0, 0)
ref = ref + rng.normal(0, 1, ref.shape) * np.sqrt(ref) / np.sqrt(10)  # a 10x deeper stack
hdr = wcs(400.5, 300.5).to_header()
fits.PrimaryHDU(ref.astype(np.float32), header=hdr).writeto(f"{out}/ref.fits", overwrite=True)

new = render(2.8, dx, dy)
s = 2.8 / 2.3548
tx, ty = 300.0, 221.0  # 0-based centre of the transient
new += 4000 / (2 * np.pi * s * s) * np.exp(-((xx - tx) ** 2 + (yy - ty) ** 2) / (2 * s * s))
new = new + rng.normal(0, 1, new.shape) * np.sqrt(new)
new = np.clip(np.round(new + 100), 0, 60000).astype(np.uint16)
hdr = wcs(400.5 + dx, 300.5 + dy).to_header()
hdr["GAIN"] = 1.0
hdr["RDNOISE"] = 2.0
hdr["SATURATE"] = 60000.0
fits.PrimaryHDU(new, header=hdr).writeto(f"{out}/new.fits", overwrite=True)
print("wrote", out)
