package org.nightwatch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/** The night's state machine: idle -> observing -> stopping -> idle, ending when every sensor drained. */
class ObservatoryActorTest {
    static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    static final class RecordingControl implements NightControl {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void startSources(SurveyMode mode) {
            calls.add("start " + mode);
        }

        @Override
        public void stopSources() {
            calls.add("stop");
        }
    }

    private ObservatoryActor.NightStatus status(ActorRef<ObservatoryActor.Command> obs) {
        TestProbe<ObservatoryActor.NightStatus> p = KIT.createTestProbe();
        obs.tell(new ObservatoryActor.GetNight(p.getRef()));
        return p.receiveMessage();
    }

    @Test
    void aNightStartsStopsAndEndsWhenEverySensorHasDrained() {
        RecordingControl control = new RecordingControl();
        List<SensorId> sensors = List.of(SensorId.of(0), SensorId.of(1));
        ActorRef<ObservatoryActor.Command> obs = KIT.spawn(ObservatoryActor.create(sensors, control));
        TestProbe<ObservatoryActor.NightEnded> ended = KIT.createTestProbe();

        assertEquals(NightPhase.PREPARING, status(obs).phase());
        obs.tell(new ObservatoryActor.StartNight(SurveyMode.HIGH_CADENCE, ended.getRef()));
        assertEquals(NightPhase.OBSERVING, status(obs).phase());
        assertEquals(List.of("start high-cadence"), control.calls);

        obs.tell(new ObservatoryActor.SensorDrained(SensorId.of(0)));
        assertEquals(1, status(obs).drained());
        SensorReport stalled = new SensorReport(SensorId.of(1), SensorState.STALLED, 8, 4, 0, 0, 1, 0, 1000.0, null, 0);
        obs.tell(new ObservatoryActor.SensorReported(stalled));
        ObservatoryActor.NightStatus now = status(obs);
        assertEquals(SensorState.DONE, now.state(SensorId.of(0)), "done once drained");
        assertEquals(stalled, now.report(SensorId.of(1)), "each sensor as it last said");
        assertEquals(SensorState.IDLE, now.state(SensorId.of(5)), "a sensor not of this night reads idle");
        obs.tell(ObservatoryActor.StopNight.INSTANCE);
        assertEquals(NightPhase.STOPPING, status(obs).phase());
        assertEquals(List.of("start high-cadence", "stop"), control.calls);
        ended.expectNoMessage();

        obs.tell(new ObservatoryActor.SensorDrained(SensorId.of(7))); // not one of this night's sensors
        obs.tell(new ObservatoryActor.SensorDrained(SensorId.of(1)));
        assertEquals(new ObservatoryActor.NightEnded(SurveyMode.HIGH_CADENCE, 2), ended.receiveMessage());
        assertEquals(NightPhase.STOPPING, status(obs).phase(), "drained, its books not yet closed");
        obs.tell(ObservatoryActor.EndNight.INSTANCE);
        assertEquals(NightPhase.ENDED, status(obs).phase());
        assertEquals(SensorState.DONE, status(obs).state(SensorId.of(1)));
    }

    @Test
    void aNightWhoseSourcesEndOnTheirOwnEndsWithoutAStop() {
        RecordingControl control = new RecordingControl();
        ActorRef<ObservatoryActor.Command> obs = KIT.spawn(ObservatoryActor.create(List.of(SensorId.of(3)), control));
        TestProbe<ObservatoryActor.NightEnded> ended = KIT.createTestProbe();
        obs.tell(new ObservatoryActor.StartNight(SurveyMode.ALL_SKY, ended.getRef()));
        obs.tell(new ObservatoryActor.StartNight(SurveyMode.ALL_SKY, ended.getRef())); // a second start is ignored
        obs.tell(new ObservatoryActor.SensorDrained(SensorId.of(3)));
        assertEquals(new ObservatoryActor.NightEnded(SurveyMode.ALL_SKY, 1), ended.receiveMessage());
        assertEquals(List.of("start all-sky"), control.calls);
    }

    @Test
    void aNightThatWaitsForTheOperatorIsPreparedInTheChosenModeOrCalledOff() {
        RecordingControl control = new RecordingControl();
        ActorRef<ObservatoryActor.Command> obs = KIT.spawn(ObservatoryActor.create(List.of(), control, NightPhase.WAITING));
        TestProbe<ObservatoryActor.NightEnded> ended = KIT.createTestProbe();
        assertEquals(NightPhase.WAITING, status(obs).phase());
        obs.tell(new ObservatoryActor.StartNight(SurveyMode.ALL_SKY, ended.getRef()));
        assertEquals(NightPhase.WAITING, status(obs).phase(), "a waiting night starts only once it is prepared");
        assertEquals(List.of(), control.calls);

        obs.tell(new ObservatoryActor.Prepare(SurveyMode.HIGH_CADENCE));
        obs.tell(new ObservatoryActor.Sensors(List.of(SensorId.of(4), SensorId.of(5))));
        ObservatoryActor.NightStatus preparing = status(obs);
        assertEquals(NightPhase.PREPARING, preparing.phase());
        assertEquals(SurveyMode.HIGH_CADENCE, preparing.mode());
        assertEquals(2, preparing.sensors(), "the sensors are known once prepared");
        obs.tell(ObservatoryActor.CallOff.INSTANCE); // too late: it is being prepared
        obs.tell(new ObservatoryActor.StartNight(SurveyMode.HIGH_CADENCE, ended.getRef()));
        assertEquals(NightPhase.OBSERVING, status(obs).phase());

        ActorRef<ObservatoryActor.Command> off = KIT.spawn(ObservatoryActor.create(List.of(), new RecordingControl(), NightPhase.WAITING));
        off.tell(ObservatoryActor.CallOff.INSTANCE);
        assertEquals(NightPhase.ENDED, status(off).phase(), "called off before its start");
    }
}
