package org.nightwatch.actors;

import org.nightwatch.protocol.SurveyMode;

/**
 * What the observatory drives outside the actor system: the frame sources (a camera, a simulator, a
 * replay). Calls come from the observatory actor and must not block.
 */
public interface NightControl {
    /** Start reading out in {@code mode}. */
    void startSources(SurveyMode mode);

    /** Stop reading out; sources end their streams, sensors drain. */
    void stopSources();
}
