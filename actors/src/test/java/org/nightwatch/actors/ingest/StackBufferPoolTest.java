package org.nightwatch.actors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool bounds memory and never hands one buffer to two holders, with several ingest threads. */
class StackBufferPoolTest {
    @Test
    void capacityIsAHardBound() {
        StackBufferPool pool = new StackBufferPool(8, 4, 2);
        StackBuffer a = pool.tryAcquire();
        StackBuffer b = pool.tryAcquire();
        assertNull(pool.tryAcquire());
        assertEquals(1, pool.refusals());
        pool.release(a);
        assertTrue(pool.tryAcquire() == a, "a released buffer is reused, not a new one made");
        assertEquals(2, pool.created());
        pool.release(b);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoIngestThreadsNeverHoldTheSameBuffer() throws Exception {
        StackBufferPool pool = new StackBufferPool(8, 4, 3);
        Set<StackBuffer> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicBoolean clash = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    StackBuffer b = pool.tryAcquire();
                    if (b == null) {
                        continue;
                    }
                    if (!held.add(b)) {
                        clash.set(true);
                    }
                    held.remove(b);
                    pool.release(b);
                }
            });
            threads.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(!clash.get(), "a buffer was handed to two threads at once");
        assertTrue(pool.created() <= 3, "created " + pool.created());
        assertEquals(0, pool.inUse());
    }
}
