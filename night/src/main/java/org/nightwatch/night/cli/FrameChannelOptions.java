package org.nightwatch.night.cli;

import org.nightwatch.night.DeploymentConfig;
import picocli.CommandLine.Option;

/** Where a process that hosts sensors takes their frames from: the camera's channel and this machine's address on it. */
final class FrameChannelOptions {
    @Option(names = "--channel", paramLabel = "URI", description = "the frame channel (default: nightwatch.camera.aeron.channel; "
        + "between processes aeron:udp?control=CAMERA_HOST:40200|control-mode=dynamic; sensor i on port 40200 + i)")
    String channel;

    @Option(names = "--receive-host", paramLabel = "HOST",
        description = "this machine's address on which the frames arrive (default: nightwatch.camera.aeron.receive-host)")
    String receiveHost;

    /** The deployment with the channel and address given on the command line. */
    DeploymentConfig apply(DeploymentConfig cfg) {
        DeploymentConfig c = cfg;
        if (channel != null) {
            c = c.with("nightwatch.camera.aeron.channel", channel);
        }
        if (receiveHost != null) {
            c = c.with("nightwatch.camera.aeron.receive-host", receiveHost);
        }
        return c;
    }
}
