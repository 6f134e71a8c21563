package org.nightwatch.controlroom;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the control room listens and who may command the night.
 *
 * @param host  the interface to listen on (127.0.0.1 unless configured otherwise)
 * @param port  the port (0: any free one)
 * @param token what a command must carry ({@code Authorization: Bearer TOKEN}); "" makes a random one
 */
public record ControlRoomSettings(String host, int port, String token) {
    public ControlRoomSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("control room port " + port + ": must be 0-65535");
        }
        if (token == null || token.isBlank()) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            token = HexFormat.of().formatHex(b);
        }
    }

    /** The deployment's {@code nightwatch.control-room} settings (this module's reference.conf), on {@code port}. */
    public static ControlRoomSettings from(com.typesafe.config.Config config, int port) {
        com.typesafe.config.Config c = config.getConfig("nightwatch.control-room");
        return new ControlRoomSettings(c.getString("host"), port, c.getString("token"));
    }
}
