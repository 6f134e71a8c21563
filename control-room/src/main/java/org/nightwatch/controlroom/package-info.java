/**
 * The operators' web page and HTTP API (Pekko HTTP, ARCHITECTURE section 3).
 * {@link org.nightwatch.controlroom.ControlRoom} serves, on an actor system of its own and on 127.0.0.1
 * unless configured otherwise: the page (the ranked alert table kept live by a WebSocket, with
 * thumbnails, vetting and the object view; the focal-plane mosaic, gauges and the night's controls:
 * survey mode, start, stop), the JSON API, cutout PNGs ({@link org.nightwatch.controlroom.StampImage},
 * stretched by {@link org.nightwatch.controlroom.ZScale} as ds9 and astropy do), the night's commands
 * behind the operator token, and Prometheus metrics. Pages report when they drew each alert, so that
 * publication-to-screen latency is measured. What it shows comes from a
 * {@link org.nightwatch.controlroom.NightBackend} that the running night supplies (the actors module's
 * {@code NightRoomBackend}, behind {@code NightLobby} when the night waits for the operator's start).
 */
package org.nightwatch.controlroom;
