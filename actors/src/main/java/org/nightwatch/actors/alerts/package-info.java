/**
 * The scheduler at work: {@link org.nightwatch.actors.alerts.SchedulerActor} takes each visit's scored
 * candidates, runs the scheduler, commits the result to the night's database, writes the alert files and
 * then publishes the alert changes on the {@link org.nightwatch.actors.alerts.AlertHub}, which any number
 * of live consumers can join; {@link org.nightwatch.actors.alerts.AlertStreamPublisher} is the one that
 * carries them to machine consumers over Aeron ({@link org.nightwatch.actors.alerts.AlertStreamSubscriber}
 * is such a consumer).
 */
package org.nightwatch.actors.alerts;
