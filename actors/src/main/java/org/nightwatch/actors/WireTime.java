package org.nightwatch.actors;

import java.time.Instant;

/**
 * Times in messages that may cross machines: UTC nanoseconds since the epoch, not {@code System.nanoTime}, whose origin
 * is each JVM's own. A stamp taken with {@code System.nanoTime} is turned into one here when it is sent. Latencies
 * between machines are then as good as their clocks' agreement (NTP keeps it to milliseconds; PTP to microseconds).
 */
public final class WireTime {
    private WireTime() {
    }

    /** Now, in UTC nanoseconds since the epoch (microsecond resolution on Linux). */
    public static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The UTC time, in nanoseconds since the epoch, of a {@code System.nanoTime} stamp of this JVM (0 stays 0: not known). */
    public static long of(long nanoTimeStamp) {
        return nanoTimeStamp == 0 ? 0 : now() - (System.nanoTime() - nanoTimeStamp);
    }
}
