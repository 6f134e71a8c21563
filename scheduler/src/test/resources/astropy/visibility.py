"""Positions at Kiso computed with astropy, the fixture the scheduler's visibility is checked against.

    /usr/bin/python3 visibility.py > visibility.csv      (Debian's python3-astropy)

For a night at Kiso Observatory: the Sun's and the Moon's altitude, the Moon's geocentric position,
and altitude, azimuth and airmass (sec z) of a few fixed positions, every 90 minutes. No refraction
(pressure 0), UT1 = UTC (no IERS download), as nightwatch computes them.
"""
import warnings
import numpy as np
from astropy import units as u
from astropy.coordinates import AltAz, EarthLocation, SkyCoord, get_body, get_sun
from astropy.time import Time
from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.iers_degraded_accuracy = "ignore"
warnings.simplefilter("ignore")

kiso = EarthLocation.from_geodetic(lon=137.625417 * u.deg, lat=35.797222 * u.deg, height=1130 * u.m)
targets = [(10.0, 20.0), (45.0, 35.0), (300.0, -10.0), (120.0, 60.0), (200.0, 5.0)]
print("mjd,what,ra,dec,alt,az,airmass,moon_sep")
for mjd in np.arange(61328.30, 61329.00, 0.0625):
    t = Time(mjd, format="mjd", scale="utc")
    t.delta_ut1_utc = 0.0
    frame = AltAz(obstime=t, location=kiso, pressure=0 * u.hPa)
    sun = get_sun(t)
    s = sun.transform_to(frame)
    print(f"{mjd:.6f},sun,{sun.ra.deg:.6f},{sun.dec.deg:.6f},{s.alt.deg:.5f},{s.az.deg:.5f},,")
    moon = get_body("moon", t)  # geocentric GCRS
    m = get_body("moon", t, location=kiso).transform_to(frame)
    print(f"{mjd:.6f},moon,{moon.ra.deg:.6f},{moon.dec.deg:.6f},{m.alt.deg:.5f},{m.az.deg:.5f},,")
    for ra, dec in targets:
        c = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
        h = c.transform_to(frame)
        secz = 1 / np.sin(h.alt.rad) if h.alt.deg > 0 else float("inf")
        sep = c.separation(SkyCoord(moon.ra, moon.dec, frame="icrs")).deg
        print(f"{mjd:.6f},object,{ra:.6f},{dec:.6f},{h.alt.deg:.5f},{h.az.deg:.5f},{secz:.5f},{sep:.5f}")
