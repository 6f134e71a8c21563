package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert store on a real PostgreSQL server: the same night as on the embedded database, and its errors. */
class AlertStorePostgresTest {
    private static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aNightOnPostgresIsCommittedReadBackAndResumedLikeOnTheEmbeddedDatabase() {
        String url = pg.url();
        AlertStore.Opened first = AlertStore.openNight(url, PostgresServer.USER, PostgresServer.PASSWORD, dir, "night A", List.of());
        assertFalse(first.resumed());
        first.store().close();
        // the Flyway migrations ran on PostgreSQL; a reopened night comes back whole, re-delivery adds nothing
        AlertStoreTest.reopenedDatabaseGivesTheNightBack(() -> AlertStore.open(url, PostgresServer.USER, PostgresServer.PASSWORD, dir));
        AlertStore.Opened again = AlertStore.openNight(url, PostgresServer.USER, PostgresServer.PASSWORD, dir, "night A", List.of());
        assertTrue(again.resumed(), "the same unfinished night is resumed");
        assertEquals(1L, again.store().counts().get("alerts"));
        again.store().close();
        // a shared database holding another night is refused, before anything is written
        AlertStore.StoreException other = assertThrows(AlertStore.StoreException.class,
            () -> AlertStore.openNight(url, PostgresServer.USER, PostgresServer.PASSWORD, dir, "night B", List.of()));
        assertTrue(other.getMessage().contains("night A") && other.getMessage().contains(url), other.getMessage());
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheUrlButNotThePassword() {
        AlertStore.StoreException e = assertThrows(AlertStore.StoreException.class,
            () -> AlertStore.open(pg.url(), PostgresServer.USER, "not-" + PostgresServer.PASSWORD, dir));
        assertTrue(e.getMessage().contains(pg.url()), e.getMessage());
        assertFalse(e.getMessage().contains("not-" + PostgresServer.PASSWORD), e.getMessage());
    }
}
