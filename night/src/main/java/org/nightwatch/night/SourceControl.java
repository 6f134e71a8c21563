package org.nightwatch.night;

import org.nightwatch.actors.NightControl;
import org.nightwatch.protocol.SurveyMode;

/**
 * What the observatory starts and stops: the night's frame source, known once the night is prepared (a night that
 * waits for the operator has its observatory before that). Called from the observatory; does not block.
 */
final class SourceControl implements NightControl {
    private volatile NightSource source;
    private volatile long startedNanos;

    void attach(NightSource s) {
        this.source = s;
    }

    /** System.nanoTime() when the sources started (0: not yet). */
    long startedNanos() {
        return startedNanos;
    }

    @Override
    public void startSources(SurveyMode mode) {
        NightSource s = source;
        if (s == null) {
            throw new IllegalStateException("the night's sources are started before the night is prepared");
        }
        startedNanos = System.nanoTime();
        s.start();
    }

    @Override
    public void stopSources() {
        NightSource s = source;
        if (s != null) {
            s.stop();
        }
    }
}
