package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The alert stream's port against the frame streams' (sensor i on the frame channel's port + i). */
class NightClaimsTest {
    private static final String FRAMES = "aeron:udp?control=127.0.0.1:40123|control-mode=dynamic";

    @Test
    void anAlertPortAmongTheFrameStreamsPortsIsRefusedNamingBoth() {
        NightClaims.InUse e = assertThrows(NightClaims.InUse.class, () -> NightClaims.checkBesideFrames(FRAMES,
            "aeron:udp?control=127.0.0.1:40124|control-mode=dynamic"));
        assertTrue(e.getMessage().contains("127.0.0.1:40124") && e.getMessage().contains("40123-40222")
            && e.getMessage().contains("--alert-port") && e.getMessage().contains("nightwatch.camera.aeron.channel"), e.getMessage());
    }

    @Test
    void anAlertPortBesideTheFrameStreamsOrOnAnotherHostIsFine() {
        assertDoesNotThrow(() -> NightClaims.checkBesideFrames(FRAMES, "aeron:udp?control=127.0.0.1:40223|control-mode=dynamic"));
        assertDoesNotThrow(() -> NightClaims.checkBesideFrames(FRAMES, "aeron:udp?control=127.0.0.1:40122|control-mode=dynamic"));
        assertDoesNotThrow(() -> NightClaims.checkBesideFrames(FRAMES, "aeron:udp?control=10.0.0.1:40124|control-mode=dynamic"));
        assertDoesNotThrow(() -> NightClaims.checkBesideFrames("aeron:ipc", "aeron:udp?control=127.0.0.1:40124|control-mode=dynamic"));
    }
}
