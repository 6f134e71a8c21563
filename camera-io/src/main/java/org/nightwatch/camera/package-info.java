/**
 * Everything that touches camera bytes and files.
 *
 * <ul>
 *   <li>{@code aeron}: the embedded media driver, the frame publisher (row blocks, back-pressure as
 *       a counted return value) and the frame receiver (decodes in place, no allocation per frame);</li>
 *   <li>{@code sim}: the simulated sky and camera, cheap enough not to dominate a run;</li>
 *   <li>{@code fits}: the recorded-night layout (ARCHITECTURE section 4.2) with nom-tam-fits.</li>
 * </ul>
 * Depends on {@code protocol} only.
 */
package org.nightwatch.camera;
