/**
 * The running system, and nothing else: the {@link org.nightwatch.actors.Guardian} spawns the
 * {@link org.nightwatch.actors.ObservatoryActor} (the night's phase and its sensors' reports) and, once the night is
 * prepared, one {@link org.nightwatch.actors.SensorActor} per sensor, restarted with backoff. How a night is put
 * together from these and the other roles is the {@code night} module's.
 *
 * <p>Sub-packages: {@code ingest} (the Aeron edge: ingest agent, visit assembly, frame accounting, the spool),
 * {@code pipeline} (each sensor's visit stream, one stage a step, its sinks and the catch-up path), {@code diff} (the
 * difference-imaging stage and its references), {@code classify} (the real/bogus stage), {@code alerts} (the scheduler
 * actor, the alert hub and the Aeron alert stream). Actors hold state and supervise; frames never pass through an actor.
 */
package org.nightwatch.actors;
