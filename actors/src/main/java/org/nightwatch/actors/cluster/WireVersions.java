package org.nightwatch.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import org.nightwatch.protocol.FrameCodec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The versions of what nightwatch nodes exchange: the frame codec and transport (frames on Aeron) and the candidate
 * schema (scored candidates with their cutouts, sent to the scheduler as {@link org.nightwatch.actors.WireMessage}s).
 * They come from the code, not from a file: every node starts with {@link #ofThisBuild()} over its configuration, and
 * {@link Check} refuses, when it joins, a node that says other versions, naming them (Pekko Cluster's join
 * compatibility check).
 */
public final class WireVersions {
    /** The scored-candidate messages' schema; raise it whenever {@code Candidate} or the scheduler's messages change. */
    public static final int CANDIDATE_SCHEMA = 1;
    /**
     * How the frame streams are laid out on the network: 1, every sensor on the channel's one control address; 2, sensor
     * i on control port PORT + i (a node of the other layout would subscribe where no frames come).
     */
    public static final int FRAME_TRANSPORT = 2;
    public static final String FRAME_CODEC_KEY = "nightwatch.cluster.wire-versions.frame-codec";
    public static final String FRAME_TRANSPORT_KEY = "nightwatch.cluster.wire-versions.frame-transport";
    public static final String CANDIDATE_KEY = "nightwatch.cluster.wire-versions.candidate";

    private WireVersions() {
    }

    /** This build's versions, as the configuration a node joins with. */
    public static Config ofThisBuild() {
        return ConfigFactory.parseMap(Map.of(FRAME_CODEC_KEY, FrameCodec.SCHEMA_VERSION, FRAME_TRANSPORT_KEY, FRAME_TRANSPORT,
                CANDIDATE_KEY, CANDIDATE_SCHEMA),
            "this build of nightwatch (WireVersions)");
    }

    /** Refuses a joining node whose frame codec or candidate schema differs from this node's, saying which and how. */
    public static final class Check extends JoinConfigCompatChecker {
        private static final List<String> KEYS = List.of(FRAME_CODEC_KEY, FRAME_TRANSPORT_KEY, CANDIDATE_KEY);
        private static final Map<String, String> WHAT = Map.of(FRAME_CODEC_KEY, "frame codec", FRAME_TRANSPORT_KEY, "frame transport",
            CANDIDATE_KEY, "candidate schema");

        @Override
        public scala.collection.immutable.Seq<String> requiredKeys() {
            return CollectionConverters.asScala(KEYS).toList();
        }

        @Override
        public ConfigValidation check(Config toCheck, Config actualConfig) {
            List<String> wrong = new ArrayList<>();
            for (String key : KEYS) {
                String here = actualConfig.hasPath(key) ? actualConfig.getValue(key).unwrapped().toString() : "none";
                if (!toCheck.hasPath(key)) {
                    wrong.add("the joining node says no " + WHAT.get(key) + " version (" + key + "): not a nightwatch node of this "
                        + "format; this cluster's is " + here);
                    continue;
                }
                String there = toCheck.getValue(key).unwrapped().toString();
                if (!there.equals(here)) {
                    wrong.add(WHAT.get(key) + " version " + there + " on the joining node, " + here + " in this cluster (" + key
                        + "): the nodes of one night must run the same nightwatch");
                }
            }
            return wrong.isEmpty() ? Valid$.MODULE$ : new Invalid(CollectionConverters.asScala(wrong).toList());
        }
    }
}
