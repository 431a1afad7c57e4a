package org.distillguard.gateway.store;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A manual allow or deny of an account, key, org or IP range. One subject is on one list at a time.
 *
 * @param subject the account id, key id, org id, or an IP address or CIDR range
 * @param ref the audit reference of the listing, quoted in refusals
 */
public record ListEntry(
    ListType list,
    Kind kind,
    String subject,
    @Nullable String reason,
    String actor,
    long createdMillis,
    String ref) {

  /** Allow overrides the detector; deny blocks. */
  public enum ListType {
    ALLOW,
    DENY;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static ListType of(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** What the subject names. */
  public enum Kind {
    ACCOUNT,
    KEY,
    ORG,
    IP;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}
