-- The sensor-visits whose candidates the scheduler has committed: a replay or a restarted night starts
-- after them (each row is written in the transaction that commits its visit's candidates).
CREATE TABLE visits (
    sensor      INTEGER NOT NULL,
    visit       BIGINT NOT NULL,
    candidates  INTEGER NOT NULL,
    PRIMARY KEY (sensor, visit)
);
