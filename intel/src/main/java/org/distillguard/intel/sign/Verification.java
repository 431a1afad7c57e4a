package org.distillguard.intel.sign;

/** The outcome of checking one object's signature: accepted from a peer, or rejected and why. */
public sealed interface Verification {
  /** The signature verifies under a key pinned for {@code peer}. */
  record Valid(Peer peer) implements Verification {}

  /**
   * Not acceptable.
   *
   * @param peer the claimed signer's name as configured, or the claimed identity if unknown
   * @param reason one of the {@link Reason}s
   * @param detail what exactly, for the log line
   */
  record Rejected(String peer, Reason reason, String detail) implements Verification {
    @Override
    public String toString() {
      return reason.wire() + " (" + detail + ")";
    }
  }

  /** Why content is refused; {@link #wire()} is what log lines and metrics say. */
  enum Reason {
    UNSIGNED("unsigned"),
    UNKNOWN_SIGNER("unknown-signer"),
    KEY_NOT_PINNED("key-not-pinned"),
    FORGED("forged"),
    EXPIRED("expired"),
    NOT_YET_VALID("not-yet-valid"),
    REPLAYED("replayed"),
    MALFORMED("malformed"),
    INVALID_PATTERN("invalid-pattern"),
    POLICY("policy");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}
