package org.distillguard.intel.sign;

import java.security.PublicKey;
import java.util.List;
import org.distillguard.intel.stix.StixIds;

/**
 * A consortium member whose content this member accepts: its name (for log lines and policy), its
 * STIX identity and the public keys pinned for it (more than one during a key rotation).
 */
public record Peer(String name, String identity, List<PublicKey> keys) {
  public Peer {
    keys = List.copyOf(keys);
    if (!StixIds.isValid(identity) || !identity.startsWith("identity--")) {
      throw new IllegalArgumentException("peer " + name + ": not an identity id: " + identity);
    }
  }

  /** The identity id every member derives from a member name. */
  public static String identityOf(String memberName) {
    return StixIds.of("identity", "member", memberName);
  }
}
