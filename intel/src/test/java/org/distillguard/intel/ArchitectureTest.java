package org.distillguard.intel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "org.distillguard.intel",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule intelKnowsNoApplicationOrSimulator =
      noClasses()
          .that()
          .resideInAPackage("org.distillguard.intel..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.distillguard.app..",
              "org.distillguard.sim..",
              "org.distillguard.gateway..",
              "picocli..");

  @ArchTest
  static final ArchRule onlyTheTaxiiPackageUsesVertx =
      noClasses()
          .that()
          .resideInAPackage("org.distillguard.intel..")
          .and()
          .resideOutsideOfPackage("org.distillguard.intel.taxii..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "io.netty..");

  @ArchTest
  static final ArchRule signaturesAndSanitizationKnowNoTransport =
      noClasses()
          .that()
          .resideInAnyPackage(
              "org.distillguard.intel.sign..",
              "org.distillguard.intel.sanitize..",
              "org.distillguard.intel.stix..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.distillguard.intel.taxii..",
              "org.distillguard.intel.ingest..",
              "org.distillguard.intel.export..");
}
