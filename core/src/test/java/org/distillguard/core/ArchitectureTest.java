package org.distillguard.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Core is the engine every runtime shares: it depends on no runtime and no framework. */
@AnalyzeClasses(
    packages = "org.distillguard.core",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule coreDependsOnNoOtherModule =
      noClasses()
          .that()
          .resideInAPackage("org.distillguard.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.distillguard.app..",
              "org.distillguard.sim..",
              "org.distillguard.gateway..",
              "org.distillguard.flink..",
              "picocli..",
              "io.vertx..",
              "io.netty..",
              "org.apache.flink..",
              "java.sql..");

  @ArchTest
  static final ArchRule textAnalysisKnowsNothingOfAccounts =
      noClasses()
          .that()
          .resideInAPackage("org.distillguard.core.text..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.distillguard.core.detect..");

  @ArchTest
  static final ArchRule linkingKnowsNothingOfPerAccountScoring =
      noClasses()
          .that()
          .resideInAPackage("org.distillguard.core.link..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.distillguard.core.detect..", "org.distillguard.core.io..");
}
