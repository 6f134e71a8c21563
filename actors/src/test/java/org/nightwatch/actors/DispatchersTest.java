package org.nightwatch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The difference imagers' dispatcher keeps its threads through the gaps between visits (each thread holds its
 * classifier session; a thread new to the model scores its first batches at twice the cost), one thread a core,
 * and lets them go when the actor system stops.
 */
class DispatchersTest {
    @Test
    @Timeout(60)
    void theImagersThreadsOutliveAGapBetweenVisitsAndEndWithTheSystem() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "dispatchers", ConfigFactory.load());
        Set<Thread> first;
        try {
            Executor diff = system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.diff-dispatcher"));
            int cores = Runtime.getRuntime().availableProcessors();
            first = threadsOf(diff, cores);
            assertEquals(cores, first.size(), "one thread a core");
            // the next visit's work comes after a gap with no work, longer than the 1 s after which Pekko ends an idle
            // dispatcher: the actor system's scheduler hands it in then, and the test awaits what it ran on
            CompletableFuture<Set<Thread>> after = new CompletableFuture<>();
            system.scheduler().scheduleOnce(Duration.ofMillis(1_500), () -> {
                try {
                    after.complete(threadsOf(diff, cores));
                } catch (Throwable e) {
                    after.completeExceptionally(e);
                }
            }, system.executionContext());
            assertEquals(first, after.get(30, TimeUnit.SECONDS), "the visits after the gap met the same threads");
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        for (Thread t : first) {
            t.join(Duration.ofSeconds(20).toMillis());
            assertFalse(t.isAlive(), t.getName() + " outlived its actor system");
        }
    }

    /** The threads that run {@code n} tasks on {@code e}, each holding its thread until all have begun (one a thread). */
    private static Set<Thread> threadsOf(Executor e, int n) throws InterruptedException {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch begun = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            e.execute(() -> {
                seen.add(Thread.currentThread());
                begun.countDown();
                try {
                    begun.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "the tasks ended");
        return seen;
    }
}
