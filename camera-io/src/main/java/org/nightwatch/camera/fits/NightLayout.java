package org.nightwatch.camera.fits;

import java.nio.file.Path;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.VisitKey;

/** Paths of the recorded-night layout (ARCHITECTURE section 4.2) under one night directory. */
public record NightLayout(Path root) {
    public Path manifest() {
        return root.resolve("night.json");
    }

    public Path sensorDir(SensorId sensor) {
        return root.resolve(sensor.name());
    }

    public Path visitFile(VisitKey visit) {
        return sensorDir(visit.sensor()).resolve(visit.fileStem() + ".fits");
    }

    public Path referenceFile(SensorId sensor, long field) {
        return root.resolve("references").resolve(sensor.name()).resolve(String.format("field-%05d.fits", field));
    }

    public Path truth() {
        return root.resolve("truth.csv");
    }
}
