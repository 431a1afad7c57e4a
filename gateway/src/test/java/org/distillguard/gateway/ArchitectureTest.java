package org.distillguard.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Only the edges of the gateway know Vert.x and JDBC; the decisions in the middle are plain. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.distillguard.gateway");

  @Test
  void policyLimitsKeysWireAndDetectionKnowNoHttpFramework() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "..gateway.policy..",
            "..gateway.limits..",
            "..gateway.keys..",
            "..gateway.wire..",
            "..gateway.inline..",
            "..gateway.journal..",
            "..gateway.store..",
            "..gateway.audit..",
            "..gateway.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..")
        .check(CLASSES);
  }

  @Test
  void onlyTheStoreKnowsJdbc() {
    noClasses()
        .that()
        .resideOutsideOfPackages("..gateway.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "com.zaxxer..", "org.flywaydb..")
        .check(CLASSES);
  }

  @Test
  void theCoreDoesNotKnowTheGateway() {
    noClasses()
        .that()
        .resideInAPackage("org.distillguard.core..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.distillguard.gateway..")
        .check(new ClassFileImporter().importPackages("org.distillguard.core"));
  }
}
