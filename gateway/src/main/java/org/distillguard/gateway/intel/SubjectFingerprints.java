package org.distillguard.gateway.intel;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.distillguard.gateway.store.Account;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The keyed fingerprints of who is calling (account, key, the account's payment instrument and
 * e-mail domain), computed once per subject and kept: an HMAC costs about a microsecond, a map
 * lookup a few nanoseconds. An account whose enrichment changes in the store gets new fingerprints
 * on its next request. Thread-safe.
 */
final class SubjectFingerprints {
  /** Above this many cached subjects the cache starts over (bounds memory, not correctness). */
  static final int MAX_ENTRIES = 1_000_000;

  /** An account's fingerprints, with the values they were computed from. */
  record OfAccount(
      String account,
      @Nullable String paymentSource,
      @Nullable String emailSource,
      @Nullable String payment,
      @Nullable String emailDomain) {}

  private final Fingerprints fingerprints;
  private final ConcurrentHashMap<String, OfAccount> accounts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> keys = new ConcurrentHashMap<>();

  SubjectFingerprints(Fingerprints fingerprints) {
    this.fingerprints = fingerprints;
  }

  OfAccount account(String id, @Nullable Account stored) {
    String pay = stored == null ? null : stored.paymentFp();
    String mail = stored == null ? null : stored.emailDomain();
    OfAccount f = accounts.get(id);
    if (f != null
        && Objects.equals(f.paymentSource(), pay)
        && Objects.equals(f.emailSource(), mail)) {
      return f;
    }
    f =
        new OfAccount(
            fingerprints.of(Kind.ACCOUNT, id),
            pay,
            mail,
            pay == null ? null : fingerprints.of(Kind.PAYMENT, pay),
            mail == null ? null : fingerprints.of(Kind.EMAIL_DOMAIN, mail));
    if (accounts.size() >= MAX_ENTRIES) {
      accounts.clear();
    }
    accounts.put(id, f);
    return f;
  }

  String key(String keyId) {
    String f = keys.get(keyId);
    if (f == null) {
      f = fingerprints.of(Kind.API_KEY, keyId);
      if (keys.size() >= MAX_ENTRIES) {
        keys.clear();
      }
      keys.put(keyId, f);
    }
    return f;
  }
}
