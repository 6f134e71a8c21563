package org.nightwatch.actors;

/**
 * A message that may cross machines when a night runs on several (Pekko Cluster): serialised as CBOR by Pekko's
 * Jackson serializer (bound in this module's reference.conf), never with Java serialization. Its fields are records,
 * enums and plain values; what a node sends is versioned ({@link org.nightwatch.actors.cluster.WireVersions}) and a
 * node of another version is refused when it joins. Frames never travel as messages: they stay on Aeron.
 */
public interface WireMessage {
}
