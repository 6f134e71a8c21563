/**
 * The operators' web UI and HTTP API (Pekko HTTP, ARCHITECTURE section 3): {@link org.nightwatch.controlroom.ControlRoom}
 * serves the page (the ranked alert table, kept live by a WebSocket), the JSON API, the night's commands
 * (operator token) and Prometheus metrics, on 127.0.0.1 unless configured otherwise. What it shows comes
 * from a {@link org.nightwatch.controlroom.NightBackend} that the running night supplies (actors module).
 *
 * <p>Built so far (issue 7): the alert table without cutouts, the API, safety (token, origin check,
 * input validation, no file outside the page's own) and metrics. Still to come: cutout thumbnails, the
 * object view and vetting buttons on the page, the sensor mosaic, and the browser test.
 */
package org.nightwatch.controlroom;
