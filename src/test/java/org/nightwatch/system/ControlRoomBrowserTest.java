package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.NightLobby;
import org.nightwatch.night.NightSummary;
import org.nightwatch.scheduler.AlertStore;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The control room in a real browser (Debian's headless Chromium, driven through chromedriver, both
 * installed by scripts/install-test-tools): the operator starts the night from the page; alerts arrive
 * live with their cutouts; the mosaic shows the sensors and the gauges the night; an operator vets one
 * alert and the label reaches the database; a click on a row opens the object (larger cutouts, light
 * curve, history, follow-up). The test leaves a screenshot in target/control-room.png.
 */
class ControlRoomBrowserTest {
    @TempDir
    Path dir;

    private static ChromeDriver browser(Path profile) {
        File driver = new File("/usr/bin/chromedriver");
        File chromium = new File("/usr/bin/chromium");
        assertTrue(driver.canExecute() && chromium.canExecute(), "Debian's chromium and chromium-driver: run scripts/install-test-tools");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + profile, "--window-size=1400,900");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build(), o);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anOperatorWatchesAlertsArriveAndVetsOne() throws Exception {
        Path out = dir.resolve("night-out");
        String vetted;
        try (NightLobby runner = Nights.controlRoomNight(dir, out, "browser-token")) {
            ChromeDriver page = browser(dir.resolve("chromium-profile"));
            try {
                // a short table (the top 5 rows), so that alerts move in and out of it during the night
                page.get(runner.controlRoom().url() + "?rows=5");
                // the page's WebSocket is up, and the mosaic shows the night's three sensors
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("live")).getText().equals("live"));
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElements(By.cssSelector("#mosaic .sensor")).size() == 3);
                assertEquals(0, page.findElements(By.cssSelector("#alerts tbody tr")).size(), "no alert before the night");

                // the night waits for the operator, who enters the token and starts it from the page
                CompletableFuture<NightSummary> night = Nights.runWhenStarted(runner);
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("phase")).getText().startsWith("waiting"));
                page.findElement(By.id("token")).sendKeys("browser-token");
                // the survey mode is chosen as the night starts; the command's (high-cadence) is offered first
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElements(By.cssSelector("#mode option")).size() == 2);
                org.openqa.selenium.support.ui.Select mode = new org.openqa.selenium.support.ui.Select(page.findElement(By.id("mode")));
                assertEquals("high-cadence", mode.getFirstSelectedOption().getAttribute("value"));
                mode.selectByValue("high-cadence");
                page.findElement(By.id("start")).click();
                // alerts arrive on the page while the night runs (pushed: the page does not poll for them), with their cutouts
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> night.isDone() || !page.findElements(By.cssSelector("#alerts tbody tr")).isEmpty());
                assertTrue(!page.findElements(By.cssSelector("#alerts tbody tr")).isEmpty(), "alerts shown while the night ran");
                await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) page.executeScript(
                    "return [...document.querySelectorAll('#alerts td.cutouts img')].filter(i => i.complete && i.naturalWidth === 58)"
                        + ".length")).intValue() >= 3);
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> !page.findElements(By.cssSelector("#mosaic .sensor.observing")).isEmpty());
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElements(By.cssSelector("#gauges .gauge")).size() == 8);
                assertTrue(page.findElement(By.id("phase")).getText().startsWith("observing"));

                // the operator enters the token and vets the top alert as real
                // (the table is redrawn on every alert change, so an element may go stale under the pointer: look again)
                String[] chosen = new String[1];
                await().atMost(Duration.ofSeconds(30)).ignoreException(StaleElementReferenceException.class).until(() -> {
                    WebElement top = page.findElement(By.cssSelector("#alerts tbody tr"));
                    String object = top.getAttribute("data-object");
                    top.findElement(By.cssSelector("button[data-label=real]")).click();
                    chosen[0] = object;
                    return true;
                });
                vetted = chosen[0];
                await().atMost(Duration.ofSeconds(30)).ignoreException(StaleElementReferenceException.class).until(() ->
                    page.findElement(By.cssSelector("#alerts tbody tr[data-object='" + vetted + "']")).getText().contains("\u2713 real"));

                NightSummary s = night.get(4, TimeUnit.MINUTES);
                assertEquals("high-cadence", s.mode());
                assertTrue(!page.findElement(By.id("mode")).isEnabled(), "the mode is fixed once the night has started");
                // the page ends with the night's live alerts, as the scheduler has them
                int live = s.scheduler().liveAlerts();
                // (the table holds the top 5 of the ranked list here, the next 5 on request, in the server's order)
                assertTrue(live > 10, "the test night has more live alerts than the short table: " + live);
                List<String> rankedIds = new java.util.ArrayList<>();
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.net.URI.create(runner.controlRoom().url() + "api/alerts")
                    .toURL()).forEach(a -> rankedIds.add(a.get("object_id").asText()));
                java.util.function.Supplier<List<String>> rows = () -> page.findElements(By.cssSelector("#alerts tbody tr")).stream()
                    .map(r -> r.getAttribute("data-object")).toList();
                await().atMost(Duration.ofSeconds(30)).ignoreException(StaleElementReferenceException.class)
                    .until(() -> rows.get().equals(rankedIds.subList(0, 5)));
                assertEquals("top 5 of " + live + " live alerts", page.findElement(By.id("more-count")).getText());
                page.findElement(By.id("show-more")).click();
                await().atMost(Duration.ofSeconds(30)).ignoreException(StaleElementReferenceException.class)
                    .until(() -> rows.get().equals(rankedIds.subList(0, 10)));
                assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(runner.controlRoom().pages())
                    .get("alerts_shown").asLong() > 0, "the page reported when it showed the alerts");

                // a click on the top row opens its object: larger cutouts, one light-curve point per detection, its follow-up
                WebElement top = page.findElement(By.cssSelector("#alerts tbody tr"));
                String object = top.getAttribute("data-object");
                int detections = Integer.parseInt(top.findElement(By.cssSelector("td.det")).getText());
                top.findElement(By.cssSelector("td.object")).click();
                await().atMost(Duration.ofSeconds(30)).until(() -> page.findElement(By.id("object")).isDisplayed()
                    && page.findElement(By.id("object-title")).getText().startsWith(object));
                assertEquals(detections, page.findElements(By.cssSelector("#lightcurve circle.point")).size());
                assertEquals(detections, page.findElements(By.cssSelector("#history tbody tr")).size());
                assertTrue(page.findElement(By.id("object-plan")).getText().length() > 10);
                await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) page.executeScript(
                    "return [...document.querySelectorAll('#object-cutouts img')].filter(i => i.complete && i.naturalWidth === 145)"
                        + ".length")).intValue() == 3);
                Path shot = Path.of("target", "control-room.png");
                Files.createDirectories(shot.getParent());
                Files.copy(((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
                assertTrue(Files.size(shot) > 10_000, "a screenshot of the page");
            } finally {
                page.quit();
            }
        }
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            assertEquals(1L, store.counts().get("labels"), "the operator's label is in the night's database");
            List<String> objects = store.alertsAfter(0, 100_000).stream().map(a -> a.alert().objectId()).toList();
            assertTrue(objects.contains(vetted), vetted);
        }
    }
}
