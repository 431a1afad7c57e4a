package org.distillguard.core.text;

/**
 * What the detector keeps of one request's text.
 *
 * @param skeleton SimHash of the prompt's opening and closing words (digits folded): prompts filled
 *     into one template land within a few bits of each other
 * @param prefix hash of the first words of the prompt (0 if it is too short)
 * @param suffix hash of the last words of the prompt (0 if it is too short)
 * @param system hash of the system prompt, 0 when there is none
 * @param exact hash of the whole normalised prompt, for exact repeats
 * @param domains bit set of {@link Domain#bit()}
 * @param phrases bit set of {@code PHRASE_*} flags
 * @param instruction how much the prompt reads like a generated instruction (0..1)
 * @param words number of words in the prompt
 */
public record PromptFeatures(
    long skeleton,
    long prefix,
    long suffix,
    long system,
    long exact,
    int domains,
    int phrases,
    float instruction,
    int words) {

  /** Asks for visible step-by-step reasoning. */
  public static final int PHRASE_REASONING = 1;

  /** Uses the model as a grader or reward model (rubric scoring, pairwise preference). */
  public static final int PHRASE_GRADER = 2;

  /** Asks for a "safe" rewrite of content, probing the refusal boundary. */
  public static final int PHRASE_SAFE_REWRITE = 4;

  public boolean has(int phrase) {
    return (phrases & phrase) != 0;
  }

  public int domainCount() {
    return Integer.bitCount(domains);
  }
}
