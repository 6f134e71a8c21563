/**
 * The running system: the {@link org.nightwatch.actors.Guardian} spawns the
 * {@link org.nightwatch.actors.ObservatoryActor} (the night's state machine) and one
 * {@link org.nightwatch.actors.SensorActor} per sensor, restarted with backoff; the
 * {@link org.nightwatch.night.NightRunner} assembles a night (transport, ingest agents, buffer pool,
 * actor system, camera) for the CLI, the benchmarks and the system tests alike.
 *
 * <p>Sub-packages: {@code ingest} (the Aeron edge: ingest agent, visit assembly, frame accounting),
 * {@code pipeline} (each sensor's stacking stream and its stages), {@code cli} (picocli commands).
 * Actors hold state and supervise; frames never pass through an actor.
 */
package org.nightwatch.actors;
