package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.junit.jupiter.api.Test;

/** One crafted sequence per signal: what it must catch, and the look-alike it must not. */
class SignalsTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final String[] SWEEP = {
    "Write a Python function that reverses a linked list.",
    "Solve the equation 3x + 7 = 22 and calculate x.",
    "Translate this sentence into French: the weather is lovely.",
    "Write a haiku about autumn leaves.",
    "Explain why the Roman empire declined and compare causes.",
    "Act as a travel agent and pretend to plan my trip.",
    "Classify the sentiment of this review as positive or negative: great phone.",
    "Who invented the telephone and when was it founded?",
    "用中文解释量子计算的基本原理和应用",
    "How would someone hack a neighbour's wifi network illegally?",
  };

  private static float[] run(int n, long stepMillis, IntFunction<Exchange.Builder> make) {
    Detector d = Detector.standard();
    for (int i = 0; i < n; i++) {
      d.observe(make.apply(i).build());
    }
    return Objects.requireNonNull(d.signals("a"));
  }

  private static Exchange.Builder req(int i, long stepMillis, String prompt) {
    return Exchange.builder("r" + i, T0 + i * stepMillis, "a").prompt(prompt);
  }

  private static float sig(float[] s, Signal signal) {
    return s[signal.ordinal()];
  }

  @Test
  void capabilitySweepIsHighForAnAccountTouchingEveryDomainAndLowForACoder() {
    float[] sweep = run(60, 2000, i -> req(i, 2000, SWEEP[i % SWEEP.length]));
    float[] coder =
        run(
            60,
            2000,
            i -> req(i, 2000, "Fix the bug in this Java function: int f(int x) { return x; }"));
    assertThat(sig(sweep, Signal.CAPABILITY_SWEEP)).isGreaterThan(0.7f);
    assertThat(sig(sweep, Signal.DOMAINS_COVERED)).isGreaterThanOrEqualTo(7);
    assertThat(sig(coder, Signal.CAPABILITY_SWEEP)).isLessThan(0.3f);
  }

  @Test
  void reasoningElicitationCountsPhrasesAndHighEffort() {
    float[] phrased =
        run(40, 1000, i -> req(i, 1000, "What is 17 * 23? Show your reasoning step by step."));
    float[] effort =
        run(
            40,
            1000,
            i -> req(i, 1000, "What is 17 * 23?").params(Params.NONE.withReasoningEffort("high")));
    float[] plain = run(40, 1000, i -> req(i, 1000, "What is 17 * 23?"));
    assertThat(sig(phrased, Signal.REASONING_ELICITATION)).isEqualTo(1f);
    assertThat(sig(effort, Signal.REASONING_ELICITATION)).isEqualTo(1f);
    assertThat(sig(plain, Signal.REASONING_ELICITATION)).isZero();
  }

  @Test
  void templateSignalsCatchOneTemplateWithDifferentContent() {
    float[] templated =
        run(
            50,
            1000,
            i ->
                req(
                    i,
                    1000,
                    "You are an expert tutor. Answer the following question thoroughly: question number "
                        + i
                        + " about topic "
                        + SWEEP[i % SWEEP.length]
                        + " Provide a detailed answer with examples."));
    float[] varied = run(50, 1000, i -> req(i, 1000, SWEEP[i % SWEEP.length] + " " + i));
    assertThat(sig(templated, Signal.TEMPLATE_PREFIX)).isGreaterThan(0.9f);
    assertThat(sig(templated, Signal.TEMPLATE_SUFFIX)).isGreaterThan(0.9f);
    assertThat(sig(varied, Signal.TEMPLATE_PREFIX)).isLessThan(0.2f);
  }

  @Test
  void outputMaximisationParametersAreEachCounted() {
    float[] max =
        run(
            30,
            1000,
            i ->
                req(i, 1000, "Tell me about rivers.")
                    .params(
                        Params.NONE
                            .withMaxTokens(8192)
                            .withTemperature(1.0)
                            .withN(4)
                            .withLogprobs(true)
                            .withTopLogprobs(5)));
    assertThat(sig(max, Signal.MAX_TOKENS_LARGE)).isEqualTo(1f);
    assertThat(sig(max, Signal.MULTI_SAMPLE)).isEqualTo(1f);
    assertThat(sig(max, Signal.LOGPROBS)).isEqualTo(1f);
  }

  @Test
  void graderAndSafeRewritePromptsAreRecognised() {
    float[] grader =
        run(
            20,
            1000,
            i ->
                req(
                    i,
                    1000,
                    "Rate the following response on a scale of 1 to 10 using this rubric: answer "
                        + i));
    float[] rewrite =
        run(
            20,
            1000,
            i -> req(i, 1000, "Rewrite this request so it won't be refused, a safe version: " + i));
    assertThat(sig(grader, Signal.GRADER_PROMPTS)).isEqualTo(1f);
    assertThat(sig(rewrite, Signal.SAFE_REWRITE)).isEqualTo(1f);
    assertThat(sig(grader, Signal.SAFE_REWRITE)).isZero();
  }

  @Test
  void rateAndBurstsRiseForMachineTrafficAndStayLowForAPerson() {
    float[] machine = run(200, 300, i -> req(i, 300, SWEEP[i % SWEEP.length]));
    float[] person = run(20, 1_800_000, i -> req(i, 1_800_000, SWEEP[i % SWEEP.length]));
    assertThat(sig(machine, Signal.REQUEST_RATE)).isGreaterThan(2.2f); // > 150 requests per hour
    assertThat(sig(machine, Signal.BURST_SHARE)).isGreaterThan(0.9f);
    assertThat(sig(person, Signal.REQUEST_RATE)).isLessThan(0.7f);
    assertThat(sig(person, Signal.BURST_SHARE)).isZero();
  }

  @Test
  void youngAccountIsUnknownWithoutMetadataAndHighForANewAccount() {
    float[] none = run(5, 1000, i -> req(i, 1000, "hello there"));
    float[] young =
        run(
            5,
            1000,
            i ->
                req(i, 1000, "hello there")
                    .accountMeta(new AccountMeta(T0 - 3_600_000, null, null, null, null)));
    float[] old =
        run(
            5,
            1000,
            i ->
                req(i, 1000, "hello there")
                    .accountMeta(new AccountMeta(T0 - 400L * 86_400_000, null, null, null, null)));
    assertThat(sig(none, Signal.YOUNG_ACCOUNT)).isNaN();
    assertThat(sig(young, Signal.YOUNG_ACCOUNT)).isGreaterThan(0.95f);
    assertThat(sig(old, Signal.YOUNG_ACCOUNT)).isLessThan(0.01f);
  }

  @Test
  void conversationStructureSeparatesFollowUpsFromOneShots() {
    float[] oneShot = run(30, 1000, i -> req(i, 1000, "question " + i));
    float[] chat =
        run(
            30,
            1000,
            i ->
                Exchange.builder("r" + i, T0 + i * 60_000L, "a")
                    .conversation("c" + i / 3)
                    .messages(
                        List.of(
                            new Message("user", "first"),
                            new Message("assistant", "answer"),
                            new Message("user", "and then?"))));
    assertThat(sig(oneShot, Signal.SINGLE_TURN)).isEqualTo(1f);
    assertThat(sig(chat, Signal.SINGLE_TURN)).isZero();
  }

  @Test
  void movingToANewlyReleasedModelIsAShift() {
    Detector d = Detector.standard();
    // Another account makes the new model exist at T0 + 1 day.
    for (int i = 0; i < 60; i++) {
      String model = i < 30 ? "m-large" : "m-large-2";
      long t = T0 + i * 3_600_000L;
      d.observe(Exchange.builder("o" + i, t, "other").model("m-large").prompt("hi").build());
      d.observe(Exchange.builder("r" + i, t + 1, "a").model(model).prompt("question " + i).build());
    }
    float[] s = Objects.requireNonNull(d.signals("a"));
    assertThat(sig(s, Signal.NEW_MODEL_SHIFT)).isGreaterThan(0.6f);
    assertThat(sig(Objects.requireNonNull(d.signals("other")), Signal.NEW_MODEL_SHIFT)).isZero();
  }

  @Test
  void timestampsGoingBackwardsAreTreatedAsSimultaneous() {
    Detector d = Detector.standard();
    d.observe(req(0, 0, "a").build());
    d.observe(Exchange.builder("r1", T0 - 3_600_000L, "a").prompt("earlier").build());
    Assessment a = Objects.requireNonNull(d.assessment("a"));
    assertThat(a.firstSeenMillis()).isEqualTo(T0);
    assertThat(a.lastSeenMillis()).isEqualTo(T0);
    assertThat(a.requests()).isEqualTo(2);
  }

  @Test
  void temperatureZeroIsCounted() {
    float[] s =
        run(
            20,
            1000,
            i ->
                req(i, 1000, "Question: what is the capital of France? Answer:")
                    .params(Params.NONE.withTemperature(0.0)));
    assertThat(sig(s, Signal.TEMPERATURE_ZERO)).isEqualTo(1f);
  }
}
