package org.distillguard.core.text;

/**
 * Capability domains a prompt can exercise. A person or an app's users stay within a few; a
 * distiller sweeping the model's capabilities touches most of them.
 */
public enum Domain {
  CODING,
  MATH,
  REASONING,
  WRITING,
  TRANSLATION,
  MULTILINGUAL,
  TOOL_USE,
  SAFETY,
  ROLEPLAY,
  KNOWLEDGE,
  NLP_TASK;

  public static final int COUNT = values().length;

  public int bit() {
    return 1 << ordinal();
  }
}
