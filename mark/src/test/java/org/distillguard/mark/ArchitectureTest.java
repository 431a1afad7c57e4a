package org.distillguard.mark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The gateway calls mark; mark knows nothing of the command line, the simulator or a runtime. */
class ArchitectureTest {
  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.distillguard.mark");

  @Test
  void dependsOnNoOtherDistillGuardModuleNorFramework() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.distillguard.app..",
            "org.distillguard.sim..",
            "org.distillguard.gateway..",
            "org.distillguard.intel..",
            "io.vertx..",
            "picocli..")
        .check(classes);
  }

  @Test
  void theWatermarkCoreNeedsNoJson() {
    noClasses()
        .that()
        .resideInAPackage("org.distillguard.mark")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml..")
        .check(classes);
  }
}
