package org.nightwatch.actors.ingest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A bounded pool of {@link StackBuffer}s shared by all sensors: it is what bounds the memory of the
 * real-time path. Buffers are made on first need up to the capacity, then only reused. The ingest thread
 * acquires, stacking stages release. {@link #tryAcquire()} returns null when the pool is exhausted: the
 * caller decides between waiting (back-pressure) and deferring; the refusal is counted.
 */
public final class StackBufferPool {
    private final int width;
    private final int height;
    private final int capacity;
    private final ManyToManyConcurrentArrayQueue<StackBuffer> free;
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peakInUse = new AtomicInteger();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicInteger promised = new AtomicInteger();

    public StackBufferPool(int width, int height, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("stack buffer pool capacity " + capacity);
        }
        this.width = width;
        this.height = height;
        this.capacity = capacity;
        this.free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, capacity));
    }

    /** A cleared buffer, or null if all {@code capacity} are in use. Any thread. */
    public StackBuffer tryAcquire() {
        StackBuffer b = free.poll();
        if (b == null) {
            // claim the right to make one more, atomically: several ingest threads may race here
            if (created.getAndUpdate(c -> c < capacity ? c + 1 : c) >= capacity) {
                refusals.incrementAndGet();
                return null;
            }
            b = new StackBuffer(width, height);
        } else {
            b.clear();
        }
        int n = inUse.incrementAndGet();
        peakInUse.accumulateAndGet(n, Math::max);
        return b;
    }

    /** Gives a buffer back; any thread. */
    public void release(StackBuffer b) {
        inUse.decrementAndGet();
        if (!free.offer(b)) {
            throw new IllegalStateException("stack buffer released twice or from another pool");
        }
    }

    /**
     * A buffer in use will come back shortly (a visit being spooled): the ingest side waits for it, briefly,
     * rather than defer a visit. Paired with {@link #releasePromised}.
     */
    public void promise() {
        promised.incrementAndGet();
    }

    /** Gives back a buffer that was {@link #promise promised}. */
    public void releasePromised(StackBuffer b) {
        release(b);
        promised.decrementAndGet();
    }

    /** Buffers promised back and not yet released. */
    public int promised() {
        return promised.get();
    }

    public int capacity() {
        return capacity;
    }

    public int inUse() {
        return inUse.get();
    }

    public int peakInUse() {
        return peakInUse.get();
    }

    public int created() {
        return created.get();
    }

    /** Times a buffer was asked for and none was free. */
    public long refusals() {
        return refusals.get();
    }

    public long bytesPerBuffer() {
        return (long) width * height * 4 + height * 2L;
    }
}
