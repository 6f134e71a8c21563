/**
 * A night, composed of its roles: the {@link org.nightwatch.night.FrameSourceRole frame source} (a simulated camera or
 * a replay, published over Aeron), the {@link org.nightwatch.night.SensorWorkers sensor workers} (ingest, stacking,
 * difference imaging, scoring), the {@link org.nightwatch.night.SchedulerRole scheduler} (association, ranking, the
 * night database, the alert files and stream) and the {@link org.nightwatch.night.ControlRoomRole control room}.
 * {@link org.nightwatch.night.NightRunner} joins them (Aeron streams, actor messages) and runs the night to its summary;
 * {@link org.nightwatch.night.NightLobby} is a night that waits for the operator's start. One process runs all roles
 * by default; their boundaries are where a multi-machine deployment cuts.
 */
package org.nightwatch.night;
