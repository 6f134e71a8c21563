/**
 * The operators' web UI and HTTP API (Pekko HTTP, ARCHITECTURE section 3): {@link org.nightwatch.controlroom.ControlRoom}
 * serves the page (the ranked alert table, kept live by a WebSocket), the JSON API, the night's commands
 * (operator token) and Prometheus metrics, on 127.0.0.1 unless configured otherwise. What it shows comes
 * from a {@link org.nightwatch.controlroom.NightBackend} that the running night supplies (actors module).
 *
 * <p>Built so far (issue 7): the live alert table with vetting buttons (operator token), the sensor
 * mosaic, the API, safety (token, origin check, input validation, no file outside the page's own) and
 * metrics. Still to come: cutout thumbnails and the object view (light curve, history, plan).
 */
package org.nightwatch.controlroom;
