package org.nightwatch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

/** The heap a night needs is what survives a collection: held memory counts, garbage does not. */
class HeapAfterGcTest {
    @Test
    void whatSurvivesACollectionIsCountedAndGarbageIsNot() {
        // what earlier tests in this JVM left in the old generation goes first: a young collection during the loop
        // below counts the old generation as it stands, garbage included (288 MB read once with it left there)
        System.gc();
        HeapAfterGc h = new HeapAfterGc();
        byte[] kept = new byte[96 << 20];
        long garbage = 0;
        for (int i = 0; i < 1280; i++) {
            garbage += new byte[256 << 10].length; // 320 MB allocated and dropped, young
        }
        System.gc();
        double mb = h.peakMb();
        Reference.reachabilityFence(kept);
        assertTrue(mb >= 96, "the 96 MB held through the collection: " + mb + " MB");
        assertTrue(mb < 96 + garbage / 1048576.0 / 2, "the garbage collected is not the heap's need: " + mb + " MB");
    }
}
