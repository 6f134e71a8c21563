/**
 * The recorded-night layout (ARCHITECTURE section 4.2) with nom-tam-fits: visit cubes written frame by
 * frame and read back with errors naming the file and keyword, night.json, the night recorder, stacks.
 */
package org.nightwatch.camera.fits;
