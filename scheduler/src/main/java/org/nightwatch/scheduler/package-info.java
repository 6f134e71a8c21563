/**
 * The scheduler: from scored candidates to alerts (ARCHITECTURE section 9). {@link org.nightwatch.scheduler.Scheduler}
 * associates candidates into objects, tells transients from variable and moving objects, ranks them with
 * the parts of each score ({@link org.nightwatch.scheduler.Ranker}), finds tonight's window at the site
 * ({@link org.nightwatch.scheduler.Visibility}, jsofa) and the follow-up plan, and makes the alert changes;
 * {@link org.nightwatch.scheduler.AlertStore} keeps the night in its database and
 * {@link org.nightwatch.scheduler.AlertOutputs} in the alert files: JSON lines, Avro packets
 * ({@link org.nightwatch.scheduler.AlertAvro}, schema in protocol) and VOEvent 2.0
 * ({@link org.nightwatch.scheduler.VoEvent}). {@link org.nightwatch.scheduler.LiveAlerts} is the ranked
 * list a consumer of the alerts rebuilds. Plain classes: the actors module runs them.
 */
package org.nightwatch.scheduler;
