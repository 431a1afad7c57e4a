package org.distillguard.sim.eval;

import java.util.List;

/**
 * The figures of one evaluation: a detector's verdicts scored against the simulator's labels.
 * Immutable; every figure is defined in {@code docs/EVALUATION.md}.
 *
 * @param labelledAccounts accounts in the labels file
 * @param verdictAccounts accounts in the verdicts file
 * @param evaluatedAccounts accounts in both: the only ones the figures count
 * @param missingVerdicts labelled accounts without a verdict
 * @param missingVerdictExamples the first few of them
 * @param unlabelledVerdicts accounts with a verdict but no label
 * @param unlabelledExamples the first few of them
 * @param malformedLines unusable lines over all input files
 * @param problems the first {@link Problems#KEPT} of them
 * @param distillers all distilling accounts
 * @param singleAccountDistillers distillers of the single-account classes ({@link
 *     Evaluator#SINGLE_ACCOUNT_CLASSES})
 * @param peopleAndApps benign accounts of classes {@link Evaluator#PEOPLE_AND_APPS}
 * @param pipelinesAndBenchmarks benign accounts of classes {@link
 *     Evaluator#PIPELINES_AND_BENCHMARKS}
 * @param benign all benign accounts
 * @param classes one group per traffic class (distillers first, then benign; by name)
 * @param campaigns campaign recovery
 */
public record Evaluation(
    long labelledAccounts,
    long verdictAccounts,
    long evaluatedAccounts,
    long missingVerdicts,
    List<String> missingVerdictExamples,
    long unlabelledVerdicts,
    List<String> unlabelledExamples,
    long malformedLines,
    List<Problem> problems,
    Group distillers,
    Group singleAccountDistillers,
    Group peopleAndApps,
    Group pipelinesAndBenchmarks,
    Group benign,
    List<Group> classes,
    CampaignFigures campaigns) {

  public Evaluation {
    missingVerdictExamples = List.copyOf(missingVerdictExamples);
    unlabelledExamples = List.copyOf(unlabelledExamples);
    problems = List.copyOf(problems);
    classes = List.copyOf(classes);
  }
}
