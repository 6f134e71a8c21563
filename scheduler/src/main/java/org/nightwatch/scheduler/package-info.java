/**
 * The scheduler: from scored candidates to alerts (ARCHITECTURE section 9). {@link org.nightwatch.scheduler.Scheduler}
 * associates candidates into objects, tells transients from variable and moving objects, ranks them with
 * the parts of each score ({@link org.nightwatch.scheduler.Ranker}), finds tonight's window at the site
 * ({@link org.nightwatch.scheduler.Visibility}, jsofa) and the follow-up plan, and makes the alert changes;
 * {@link org.nightwatch.scheduler.AlertStore} keeps the night in its database and
 * {@link org.nightwatch.scheduler.AlertJsonLines} in the alert file. Plain classes: the actors module runs them.
 */
package org.nightwatch.scheduler;
