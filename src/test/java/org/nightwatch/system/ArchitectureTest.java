package org.nightwatch.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map holds in the code: no package depends on itself through others, the running system ({@code actors})
 * knows nothing of the night's composition or the tools, and the runtime ({@code night}) nothing of the tools.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void load() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.nightwatch");
        assertTrue(main.size() > 200, "the main classes of every module are read: " + main.size());
        assertTrue(main.containPackage("org.nightwatch.tools.bench") && main.containPackage("org.nightwatch.camera.source")
            && main.containPackage("org.nightwatch.night"), "night, tools and camera-io are among them");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.nightwatch.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theRunningSystemKnowsNothingOfTheCompositionOrTheTools() {
        noClasses().that().resideInAnyPackage("org.nightwatch.actors..", "org.nightwatch.camera..", "org.nightwatch.workers..",
                "org.nightwatch.scheduler..", "org.nightwatch.protocol..", "org.nightwatch.controlroom..")
            .should().dependOnClassesThat().resideInAnyPackage("org.nightwatch.night..", "org.nightwatch.tools..")
            .check(main);
        noClasses().that().resideInAPackage("org.nightwatch.night..").should().dependOnClassesThat()
            .resideInAPackage("org.nightwatch.tools..").check(main);
    }
}
