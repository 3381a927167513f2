package io.shopifysync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulator and the product share no code (so one misreading of Shopify cannot hide on both sides): the build
 * fails when a class crosses the line. The emulator may use only the JDK and its own libraries; the product reaches
 * the emulator only from the two commands that run it.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shopifysync");
    }

    @Test
    void theEmulatorUsesNothingOfTheProduct() {
        classes().that().resideInAPackage("io.shopifysync.emulator..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.shopifysync.emulator..", "java..", "javax..",
                        "io.vertx..", "io.netty..", "graphql..", "com.fasterxml.jackson..", "org.slf4j..")
                .because("the emulator is our independent model of Shopify")
                .check(main);
    }

    @Test
    void theProductReachesTheEmulatorOnlyFromTheCommandsThatRunIt() {
        noClasses().that().resideOutsideOfPackage("io.shopifysync.emulator..")
                .and().doNotHaveFullyQualifiedName("io.shopifysync.cli.SandboxCommand")
                .and().doNotHaveFullyQualifiedName("io.shopifysync.cli.DemoCommand")
                .should().dependOnClassesThat().resideInAPackage("io.shopifysync.emulator..")
                .because("the client must not learn Shopify from the emulator's code")
                .check(main);
    }

    @Test
    void capabilityPackagesDependOnEachOtherWithoutCycles() {
        slices().matching("io.shopifysync.(*)..").should().beFreeOfCycles()
                .because("a package is read and changed as one capability only when nothing it uses uses it back")
                .check(main);
    }
}
