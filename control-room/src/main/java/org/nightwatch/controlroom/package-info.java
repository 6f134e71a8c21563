/**
 * The operators' web UI and HTTP API (Pekko HTTP): ranked alerts, cutouts, the sensor mosaic,
 * throughput, metrics and night controls (ARCHITECTURE section 3).
 *
 * <p>Not built yet (issue 7); until then the CLI prints the night's progress and summary.
 */
package org.nightwatch.controlroom;
