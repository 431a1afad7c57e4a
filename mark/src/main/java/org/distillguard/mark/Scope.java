package org.distillguard.mark;

/** Whose key marks an answer: derived from one master key per scope and id. */
public enum Scope {
  /** The provider (a member of the sharing network) itself: marks every answer it marks. */
  MEMBER,
  /** A campaign under suspicion: every account linked into it. */
  CAMPAIGN,
  /** One flagged account. */
  ACCOUNT,
  /** Keys no answer is ever marked with, for the probe's calibration check. */
  DECOY
}
