#!/usr/bin/python3
"""Write a recorded night (ARCHITECTURE section 4.2) from real telescope images, with astropy and numpy alone,
as another survey's tools would: nothing here comes from nightwatch or its simulator.

The sky is made of two real images that Debian's packages ship:
- a crowded star field seen by HST's ACS (j8bt06nyq_flt.fits, package python-drizzle-testdata; bright stars
  with diffraction spikes, thousands of faint ones), mirrored to cover the sensor;
- the galaxy M51, a KPNO 600 s CCD frame (IRAF's dev$pix, package iraf), laid over part of it.
Each visit sees them through its own seeing (a Moffat profile, 2.9-4.5 px FWHM, against 2.5 px in the
reference), with a pointing that differs from what its header says by up to 4 px (the header records the
commanded pointing only), photon and read noise, 12 uint16 frames of 0.5 s, cosmic rays in single frames,
fixed hot pixels in every frame (and no calibration/ directory: no dark says where they are), and a camera
unlike nightwatch's defaults: GAIN 2.3 e-/ADU, RDNOISE 3.1 e-, SATURATE 42000 ADU, 0.87"/px, a WCS rotated
by 23 degrees whose reference pixel is off the sensor's centre.

Into it go transients (a third on the galaxy, a third 2-6 px beside a star 10-100 times fainter), variable
stars (real stars of the image) that brighten and that fade, and moving objects. truth.csv lists them as
nightwatch's evaluate-night reads it; magnitudes use 24.25 mag for one electron per frame, the zero point
nightwatch is configured with.

Used by ForeignNightSystemTest (python3-astropy, iraf and python-drizzle-testdata, installed by
scripts/install-test-tools):
    /usr/bin/python3 write_foreign_night.py OUT_DIR [SEED] [--other-field]
--other-field lays the same images out otherwise (the star field turned over, M51 turned a quarter and moved),
for a night to train on that is not the one tested.
"""
import json
import os
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

HST = "/usr/share/python-drizzle/test_data/j8bt06nyq_flt.fits"
M51 = "/usr/lib/iraf/dev/pix.pix"  # IRAF OIF pixel file: a 2048-byte header, then 512x512 big-endian int16

W, H, FPV, RATE = 2000, 1128, 12, 2.0
GAIN, READ_NOISE, SATURATE = 2.3, 3.1, 9000       # e-/ADU, e-, ADU: a full well of 20700 e-
SKY = 190.0                                        # e- per pixel per frame
SCALE_ARCSEC, ROTATION_DEG = 0.87, 23.0
CRVAL = (12.0, 24.0)                               # an October evening's field at Kiso
CRPIX = (W / 2 + 37.5, H / 2 - 21.5)
ZERO_POINT = 24.25                                 # mag of 1 e- per frame
VISITS, CADENCE_S = 8, 600.0
START = np.datetime64("2026-10-15T12:00:00.000")
REF_FWHM, REF_NCOMBINE = 2.5, 96
BASE_FWHM = 2.0                                    # the HST image's own PSF, px
PAD = 48
HOT_PIXELS, COSMICS_PER_FRAME = 240, 6
N_TRANSIENTS, N_VARIABLES, N_MOVING = 72, 16, 5
GALAXY_AT, GALAXY_AT_OTHER = (1380, 330), (1180, 560)  # M51's lower left corner, sensor px


def wcs():
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = list(CRVAL)
    w.wcs.crpix = list(CRPIX)
    t = np.radians(ROTATION_DEG)
    s = SCALE_ARCSEC / 3600
    w.wcs.cd = np.array([[-s * np.cos(t), s * np.sin(t)], [s * np.sin(t), s * np.cos(t)]])
    return w


def local_median_fill(img, bad):
    out = img.copy()
    ys, xs = np.nonzero(bad)
    for y, x in zip(ys, xs):
        a = img[max(0, y - 2):y + 3, max(0, x - 2):x + 3]
        b = bad[max(0, y - 2):y + 3, max(0, x - 2):x + 3]
        good = a[~b]
        out[y, x] = np.median(good) if good.size else np.median(img)
    return out


def taper(n, edge):
    t = np.ones(n)
    r = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, edge))
    t[:edge] = r
    t[-edge:] = r[::-1]
    return t


def base_sky(other=False):
    """The sky in reference pixels (padded by PAD), e- per frame, at the HST image's own resolution."""
    with fits.open(HST) as f:
        sci = f["SCI"].data.astype(np.float64)
        dq = f["DQ"].data.astype(np.int32)
    # the detector's own defects (bad, hot and warm pixels, bad columns) are not sky: fill them
    sci = local_median_fill(sci, (dq & (4 | 16 | 64 | 128)) != 0)
    sci -= np.percentile(sci, 5)  # the sky between the stars (the median is starlight in a field this crowded)
    if other:
        sci = sci[::-1, ::-1]
    row = np.concatenate([sci, sci[:, ::-1], sci], axis=1)
    full = np.concatenate([row, row[::-1, :]], axis=0)
    # crowded, with saturated stars, on the left; the same stars five times fainter, a sparser field, on the right
    scale = np.interp(np.arange(W + 2 * PAD), [900 + PAD, 1200 + PAD], [0.15, 0.03])
    canvas = full[:H + 2 * PAD, :W + 2 * PAD] * scale[None, :]
    raw = open(M51, "rb").read()
    m = np.frombuffer(raw[2048:], dtype=">i2").reshape(512, 512).astype(np.float64)
    border = np.concatenate([m[:8].ravel(), m[-8:].ravel(), m[:, :8].ravel(), m[:, -8:].ravel()])
    m = (m - np.median(border)) * np.outer(taper(512, 64), taper(512, 64)) * 0.8
    gx, gy = GALAXY_AT
    if other:
        m = np.rot90(m)
        gx, gy = GALAXY_AT_OTHER
    gx, gy = gx + PAD, gy + PAD
    canvas[gy:gy + 512, gx:gx + 512] += m
    galaxy = np.zeros_like(canvas)
    galaxy[gy:gy + 512, gx:gx + 512] = m
    return canvas, galaxy


def moffat_otf(shape, fwhm, beta=3.0):
    """The optical transfer function of a Moffat PSF whose convolution with the base PSF has this FWHM."""
    f = np.sqrt(max(fwhm ** 2 - BASE_FWHM ** 2, 0.5))
    alpha = f / (2 * np.sqrt(2 ** (1 / beta) - 1))
    ny, nx = shape
    y = np.fft.fftfreq(ny) * ny
    x = np.fft.fftfreq(nx) * nx
    r2 = y[:, None] ** 2 + x[None, :] ** 2
    k = (1 + r2 / alpha ** 2) ** (-beta)
    return np.fft.rfft2(k / k.sum())


def observe(base_ft, shape, fwhm, shift):
    """The sky seen in this seeing, with its content moved by shift (dx, dy) px; cropped to the sensor."""
    ny, nx = shape
    ky = np.fft.fftfreq(ny)[:, None]
    kx = np.fft.rfftfreq(nx)[None, :]
    ramp = np.exp(-2j * np.pi * (kx * shift[0] + ky * shift[1]))
    img = np.fft.irfft2(base_ft * moffat_otf(shape, fwhm) * ramp, s=shape)
    return img[PAD:PAD + H, PAD:PAD + W]


def point(canvas, x, y, flux):
    """A point source at reference pixel (x, y), 0-based sensor coordinates, at the base resolution."""
    s = BASE_FWHM / 2.3548
    cx, cy = x + PAD, y + PAD
    x0, y0 = int(round(cx)), int(round(cy))
    gx = np.arange(x0 - 6, x0 + 7) - cx
    gy = np.arange(y0 - 6, y0 + 7) - cy
    g = np.exp(-(gy[:, None] ** 2 + gx[None, :] ** 2) / (2 * s * s))
    canvas[y0 - 6:y0 + 7, x0 - 6:x0 + 7] += flux * g / g.sum()


def psf_neff(fwhm):
    shape = (64, 64)
    s = BASE_FWHM / 2.3548
    yy, xx = np.mgrid[0:64, 0:64]
    c = np.exp(-((yy - 32) ** 2 + (xx - 32) ** 2) / (2 * s * s))
    c /= c.sum()
    p = np.fft.irfft2(np.fft.rfft2(c) * moffat_otf(shape, fwhm), s=shape)
    return 1 / np.sum(p ** 2)


def stars(scene, floor):
    """Local maxima of a noiseless scene: (x, y, flux e-/frame, peak), 0-based sensor pixels."""
    c = scene[1:-1, 1:-1]
    peak = np.ones_like(c, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy or dx:
                peak &= c > scene[1 + dy:scene.shape[0] - 1 + dy, 1 + dx:scene.shape[1] - 1 + dx]
    ys, xs = np.nonzero(peak & (c > floor))
    out = []
    for y, x in zip(ys + 1, xs + 1):
        if 4 <= x < W - 4 and 4 <= y < H - 4:
            box = scene[y - 2:y + 3, x - 2:x + 3]
            wsum = box.sum()
            cy = y + (box.sum(axis=1) @ np.arange(-2, 3)) / wsum
            cx = x + (box.sum(axis=0) @ np.arange(-2, 3)) / wsum
            out.append((cx, cy, scene[y, x] * 2 * np.pi * (REF_FWHM / 2.3548) ** 2, scene[y, x]))
    return out


def mag(e):
    return ZERO_POINT - 2.5 * np.log10(e)


def main(out, seed, other):
    rng = np.random.default_rng(seed)
    w = wcs()
    base, galaxy = base_sky(other)
    shape = base.shape
    base_ft = np.fft.rfft2(base)

    # the reference: a deep stack in good seeing, on the true (astrometric) WCS
    ref_scene = observe(base_ft, shape, REF_FWHM, (0.0, 0.0))
    gal_scene = observe(np.fft.rfft2(galaxy), shape, REF_FWHM, (0.0, 0.0))
    frame_var = SKY + np.clip(ref_scene, 0, None) + READ_NOISE ** 2
    ref = (SKY + ref_scene + rng.normal(0, 1, ref_scene.shape) * np.sqrt(frame_var / REF_NCOMBINE)) / GAIN
    saturated = ref_scene + SKY > SATURATE * GAIN
    ref[saturated] = SATURATE  # a stack of saturated frames is saturated
    ref_dir = os.path.join(out, "references", "sensor-00")
    os.makedirs(ref_dir, exist_ok=True)
    os.makedirs(os.path.join(out, "sensor-00"), exist_ok=True)
    h = w.to_header()
    for k, v in [("GAIN", GAIN), ("RDNOISE", READ_NOISE), ("SATURATE", SATURATE), ("SEEING", REF_FWHM),
                 ("NCOMBINE", REF_NCOMBINE)]:
        h[k] = v
    fits.PrimaryHDU(ref.astype(np.float32), header=h).writeto(os.path.join(ref_dir, "field-00000.fits"), overwrite=True)

    catalog = stars(ref_scene, 2.0)
    near_sat = np.zeros((H, W), dtype=bool)
    for x, y, f, p in catalog:
        if p + SKY > 0.5 * SATURATE * GAIN:
            near_sat[max(0, int(y) - 25):int(y) + 26, max(0, int(x) - 25):int(x) + 26] = True
    xy = np.array([(s[0], s[1]) for s in catalog])
    fluxes = np.array([s[2] for s in catalog])

    def clear(x, y, margin=30):
        return margin <= x < W - margin and margin <= y < H - margin and not near_sat[int(y), int(x)]

    seeing = rng.uniform(2.9, 4.1, VISITS)
    seeing[VISITS // 2] = 4.5  # the poorest seeing of the night
    shifts = rng.uniform(-4, 4, (VISITS, 2))
    neff = [psf_neff(f) for f in seeing]

    def snr_of(flux, x, y, visits):
        best = 0.0
        for v in visits:
            local = max(ref_scene[int(y), int(x)], 0)
            var = FPV * (SKY + local + READ_NOISE ** 2)
            best = max(best, FPV * flux / np.sqrt(neff[v] * var))
        return best

    truth = []  # (kind, subtype, first, last, x, y, flux e-/frame, snr, on_galaxy, per-visit position or None)
    # transients: a third on the galaxy, a third beside a fainter star, a third anywhere
    tries = 0
    while len(truth) < N_TRANSIENTS and tries < 100000:
        tries += 1
        t = len(truth)
        m = rng.uniform(15.0, 18.7)
        flux = 10 ** (-0.4 * (m - ZERO_POINT))
        where = t % 3
        if where == 0:
            gx, gy = GALAXY_AT_OTHER if other else GALAXY_AT
            x, y = rng.uniform(gx + 60, gx + 450), rng.uniform(gy + 60, gy + 450)
            if gal_scene[int(y), int(x)] < 40:
                continue
            sub = "on-galaxy"
        elif where == 1:
            ok = np.nonzero((fluxes > flux / 100) & (fluxes < flux / 10))[0]
            s = catalog[rng.choice(ok)]
            r, a = rng.uniform(2.0, 6.0), rng.uniform(0, 2 * np.pi)
            x, y = s[0] + r * np.cos(a), s[1] + r * np.sin(a)
            sub = "beside-star"
        else:
            x, y = rng.uniform(30, W - 30), rng.uniform(30, H - 30)
            sub = "field"
        if not clear(x, y):
            continue
        bright = fluxes > flux / 10
        if np.any(bright) and np.min(np.hypot(xy[bright, 0] - x, xy[bright, 1] - y)) < 2.5:
            continue  # not on a star nearly as bright: that would be a variable
        if any(np.hypot(x - o[4], y - o[5]) < 25 for o in truth):
            continue
        first = int(rng.integers(0, VISITS - 2))
        last = int(min(VISITS - 1, first + rng.integers(2, VISITS)))
        truth.append(["transient", sub, first, last, x, y, flux, snr_of(flux, x, y, range(first, last + 1)),
                      where == 0, None])
    # variables: real stars of the image, half brightening, half fading
    cand = [s for s in catalog if 3000 < s[2] < 60000 and clear(s[0], s[1])
            and np.sum(np.hypot(xy[:, 0] - s[0], xy[:, 1] - s[1]) < 6) == 1]
    picks = rng.choice(len(cand), N_VARIABLES, replace=False)
    variables = []
    for i, p in enumerate(picks):
        x, y, f, _ = cand[p]
        amp = rng.uniform(0.5, 1.0) if i % 2 == 0 else -rng.uniform(0.45, 0.7)  # x star flux
        phase = rng.uniform(0, 2 * np.pi)
        curve = [amp * (0.5 + 0.5 * np.sin(phase + 2 * np.pi * v / VISITS)) for v in range(VISITS)]
        curve[int(np.argmax(np.abs(curve)))] = amp  # one visit at full amplitude
        variables.append((x, y, f, curve))
        dmax = abs(amp) * f
        truth.append(["variable", "brightening" if amp > 0 else "fading", 0, VISITS - 1, x, y, f + max(amp, 0) * f,
                      snr_of(dmax, x, y, range(VISITS)), False, None])
    # moving objects: straight lines at steady rates, 0.3-1.5 px a minute
    movers = []
    while len(movers) < N_MOVING:
        x0, y0 = rng.uniform(200, W - 200), rng.uniform(200, H - 200)
        rate = rng.uniform(0.3, 1.5) / 60  # px per s
        a = rng.uniform(0, 2 * np.pi)
        vx, vy = rate * np.cos(a), rate * np.sin(a)
        flux = 10 ** (-0.4 * (rng.uniform(15.5, 17.5) - ZERO_POINT))
        path = [(x0 + vx * v * CADENCE_S, y0 + vy * v * CADENCE_S) for v in range(VISITS)]
        if all(clear(px, py, 40) for px, py in path):
            movers.append((flux, path))
            truth.append(["moving", "asteroid", 0, VISITS - 1, path[0][0], path[0][1], flux,
                          snr_of(flux, path[0][0], path[0][1], range(VISITS)), False, path])

    hot = np.stack([rng.integers(0, H, HOT_PIXELS), rng.integers(0, W, HOT_PIXELS)], axis=1)
    hot_rate = 10 ** rng.uniform(1.5, 3.3, HOT_PIXELS)  # e- per frame, in every frame of every visit
    for v in range(VISITS):
        canvas = base.copy()
        for tr in truth:
            if tr[0] == "transient" and tr[2] <= v <= tr[3]:
                point(canvas, tr[4], tr[5], tr[6])
        for x, y, f, curve in variables:
            point(canvas, x, y, curve[v] * f)
        for flux, path in movers:
            point(canvas, path[v][0], path[v][1], flux)
        scene = SKY + observe(np.fft.rfft2(canvas), shape, seeing[v], tuple(shifts[v]))
        scene = np.clip(scene, 0, None)
        cube = np.empty((FPV, H, W), dtype=np.uint16)
        for k in range(FPV):
            e = rng.poisson(scene).astype(np.float64)
            e[hot[:, 0], hot[:, 1]] += rng.poisson(hot_rate)
            for _ in range(rng.poisson(COSMICS_PER_FRAME)):
                cx, cy = rng.uniform(5, W - 5), rng.uniform(5, H - 5)
                length, ang, dep = rng.integers(1, 6), rng.uniform(0, np.pi), rng.uniform(400, 15000)
                for s in range(length):
                    e[int(cy + s * np.sin(ang)), int(cx + s * np.cos(ang))] += dep * rng.uniform(0.6, 1.0)
            e = np.minimum(e, SATURATE * GAIN)  # full well
            adu = e / GAIN + rng.normal(0, READ_NOISE / GAIN, e.shape)
            cube[k] = np.clip(np.round(adu), 0, SATURATE).astype(np.uint16)
        hv = w.to_header()  # the commanded pointing: the content is off by shifts[v]
        t0 = START + np.timedelta64(int(v * CADENCE_S * 1000), "ms")
        for k, val in [("SENSOR", 0), ("VISIT", v), ("FIELD", 0), ("DATE-OBS", str(t0)), ("EXPTIME", 1 / RATE),
                       ("NFRAMES", FPV), ("FRAMERAT", RATE), ("GAIN", GAIN), ("RDNOISE", READ_NOISE),
                       ("SATURATE", SATURATE)]:
            hv[k] = val
        fits.PrimaryHDU(cube, header=hv).writeto(os.path.join(out, "sensor-00", "visit-%06d.fits" % v), overwrite=True)

    with open(os.path.join(out, "truth.csv"), "w") as f:
        f.write("id,kind,subtype,sensor,field,visit_first,visit_last,ra,dec,x,y,mag_peak,snr_peak,flux_peak_e,on_galaxy\n")
        for i, (kind, sub, first, last, x, y, flux, snr, on_gal, _) in enumerate(truth):
            ra, dec = w.all_pix2world([[x, y]], 0)[0]
            f.write("%d,%s,%s,0,0,%d,%d,%.7f,%.7f,%.3f,%.3f,%.3f,%.2f,%.1f,%s\n"
                    % (i + 1, kind, sub, first, last, ra, dec, x + 1, y + 1, mag(flux), snr, flux, str(on_gal).lower()))
    # not part of the layout: where the camera's hot pixels are, for the test that checks they were found
    with open(os.path.join(out, "hot-pixels.csv"), "w") as f:
        f.write("x,y,e_per_frame\n")
        for (y, x), rate in zip(hot, hot_rate):
            f.write("%d,%d,%.1f\n" % (x + 1, y + 1, rate))
    manifest = {"format_version": 1,
                "site": {"name": "Kiso Observatory", "latitude_deg": 35.7972, "longitude_deg": 137.6253, "height_m": 1130.0},
                "date": "2026-10-15", "survey_mode": "high-cadence", "frames_per_visit": FPV, "frame_rate_hz": RATE,
                "width": W, "height": H, "sensors": [0], "simulated": False}
    with open(os.path.join(out, "night.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("foreign night: %d transients, %d variables, %d moving, %d hot pixels, seeing %s px, saturated ref px %d"
          % (sum(t[0] == "transient" for t in truth), N_VARIABLES, N_MOVING, HOT_PIXELS,
             " ".join("%.1f" % s for s in seeing), int(saturated.sum())))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0], int(args[1]) if len(args) > 1 else 21, "--other-field" in sys.argv)
