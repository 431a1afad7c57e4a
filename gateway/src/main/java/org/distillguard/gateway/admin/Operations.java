package org.distillguard.gateway.admin;

import java.util.List;
import java.util.Optional;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.keys.KeyCodec;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.policy.Cidr;
import org.distillguard.gateway.store.Account;
import org.distillguard.gateway.store.ApiKey;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.store.Store;
import org.distillguard.gateway.store.StoredVerdict;
import org.jspecify.annotations.Nullable;

/**
 * What an operator can do, shared by the admin HTTP API and the {@code distillguard keys} and
 * {@code distillguard policy} commands, so that both validate and audit the same way. Blocking
 * (store): call from worker threads.
 */
public final class Operations {
  private final Store store;
  private final Audit audit;

  public Operations(Store store, Audit audit) {
    this.store = store;
    this.audit = audit;
  }

  /** An operator's request that cannot be carried out; the message says why. */
  public static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    public Rejected(String message) {
      super(message);
    }
  }

  /** A created key: the stored record and the secret, shown once. */
  public record CreatedKey(ApiKey key, String secret) {}

  /** Creates or updates an account. */
  public Account putAccount(
      String actor,
      String id,
      @Nullable String org,
      @Nullable Integer rpm,
      @Nullable Long tpm,
      @Nullable Integer concurrency,
      @Nullable String note)
      throws Rejected {
    return putAccount(actor, id, org, rpm, tpm, concurrency, note, null, null);
  }

  /**
   * Creates or updates an account with its enrichment for intelligence matching: {@code paymentFp}
   * (the provider's own opaque payment fingerprint) and {@code emailDomain}; null keeps what is
   * stored, an empty string clears it.
   */
  public Account putAccount(
      String actor,
      String id,
      @Nullable String org,
      @Nullable Integer rpm,
      @Nullable Long tpm,
      @Nullable Integer concurrency,
      @Nullable String note,
      @Nullable String paymentFp,
      @Nullable String emailDomain)
      throws Rejected {
    checkId("account", id);
    String problem =
        LimitSpec.problem(
            rpm == null ? null : rpm.longValue(),
            tpm,
            concurrency == null ? null : concurrency.longValue());
    if (problem != null) {
      throw new Rejected("account " + id + ": " + problem);
    }
    Optional<Account> before = store.account(id);
    long created = before.map(Account::createdMillis).orElse(audit.clock().millis());
    String pay = paymentFp != null ? paymentFp : before.map(Account::paymentFp).orElse(null);
    String mail = emailDomain != null ? emailDomain : before.map(Account::emailDomain).orElse(null);
    Account a =
        new Account(
            id,
            org,
            created,
            rpm,
            tpm,
            concurrency,
            note,
            pay == null || pay.isBlank() ? null : pay.strip(),
            mail == null || mail.isBlank() ? null : mail.strip());
    store.putAccount(a);
    audit.record(
        actor,
        before.isPresent() ? "account.update" : "account.create",
        "account:" + id,
        note,
        "org="
            + org
            + " rpm="
            + rpm
            + " tpm="
            + tpm
            + " concurrency="
            + concurrency
            + " payment_fp="
            + (a.paymentFp() == null ? "none" : "set")
            + " email_domain="
            + a.emailDomain());
    return a;
  }

  public List<Account> accounts() {
    return store.accounts();
  }

  public Optional<Account> account(String id) {
    return store.account(id);
  }

  /** Issues a key for an account (created on the fly if new). */
  public CreatedKey createKey(
      String actor, String account, @Nullable String org, @Nullable String name) throws Rejected {
    checkId("account", account);
    if (store.account(account).isEmpty()) {
      putAccount(actor, account, org, null, null, null, null);
    }
    KeyCodec.NewKey nk = KeyCodec.generate();
    ApiKey k = new ApiKey(nk.id(), nk.sha256(), account, name, audit.clock().millis(), null);
    store.putKey(k);
    audit.record(actor, "key.create", "key:" + k.id(), name, "account=" + account);
    return new CreatedKey(k, nk.secret());
  }

  /**
   * Registers a client's own upstream key (pass-through mode) under an account, by its hash only.
   */
  public ApiKey registerKey(String actor, String account, String clientKey, @Nullable String name)
      throws Rejected {
    checkId("account", account);
    if (clientKey.length() < 8) {
      throw new Rejected("that does not look like an API key");
    }
    if (store.account(account).isEmpty()) {
      putAccount(actor, account, null, null, null, null, null);
    }
    String hash = KeyCodec.sha256Hex(clientKey);
    ApiKey k =
        new ApiKey(
            "pt-" + hash.substring(0, 12), hash, account, name, audit.clock().millis(), null);
    store.putKey(k);
    audit.record(actor, "key.register", "key:" + k.id(), name, "account=" + account);
    return k;
  }

  public List<ApiKey> keys() {
    return store.keys();
  }

  public void revokeKey(String actor, String id, @Nullable String reason) throws Rejected {
    if (store.key(id).isEmpty()) {
      throw new Rejected("no key with id " + id);
    }
    if (!store.revokeKey(id, audit.clock().millis())) {
      throw new Rejected("key " + id + " is already revoked");
    }
    audit.record(actor, "key.revoke", "key:" + id, reason, null);
  }

  /**
   * Revokes an account: every valid key of it is revoked (the account and its history stay).
   *
   * @return the ids of the keys revoked
   */
  public List<String> revokeAccount(String actor, String account, @Nullable String reason)
      throws Rejected {
    if (store.account(account).isEmpty()) {
      throw new Rejected("no account " + account);
    }
    long now = audit.clock().millis();
    List<String> revoked = new java.util.ArrayList<>();
    for (ApiKey k : store.keys()) {
      if (k.account().equals(account) && !k.revoked() && store.revokeKey(k.id(), now)) {
        revoked.add(k.id());
      }
    }
    audit.record(actor, "account.revoke", "account:" + account, reason, "keys=" + revoked);
    return revoked;
  }

  /** Puts a subject on the allow or deny list (replacing any earlier listing of it). */
  public ListEntry list(
      String actor,
      ListEntry.ListType list,
      ListEntry.Kind kind,
      String subject,
      @Nullable String reason)
      throws Rejected {
    String s = subject.trim();
    if (kind == ListEntry.Kind.IP) {
      try {
        s = Cidr.parse(s).toString();
      } catch (IllegalArgumentException e) {
        throw new Rejected(String.valueOf(e.getMessage()));
      }
    } else {
      checkId(kind.id(), s);
    }
    AuditEntry e = audit.record(actor, "list." + list.id(), kind.id() + ":" + s, reason, null);
    ListEntry entry = new ListEntry(list, kind, s, reason, actor, e.atMillis(), e.id());
    store.putListEntry(entry);
    return entry;
  }

  public void unlist(String actor, ListEntry.Kind kind, String subject, @Nullable String reason)
      throws Rejected {
    if (!store.removeListEntry(kind, subject.trim())) {
      throw new Rejected(kind.id() + " " + subject + " is on no list");
    }
    audit.record(actor, "list.remove", kind.id() + ":" + subject.trim(), reason, null);
  }

  public List<ListEntry> lists() {
    return store.listEntries();
  }

  public List<StoredVerdict> verdicts() {
    return store.verdicts();
  }

  public List<AuditEntry> audit(
      @Nullable String subjectPrefix, @Nullable String before, int limit) {
    return store.audit(subjectPrefix, before, limit);
  }

  /** Records that an analyst cleared an account's verdict (the caller drops the standing). */
  public void clearedVerdict(String actor, String account, @Nullable String reason) {
    audit.record(actor, "verdict.clear", "account:" + account, reason, null);
  }

  private static void checkId(String what, String id) throws Rejected {
    if (id.isBlank() || id.length() > 200 || !id.matches("[A-Za-z0-9._:@/+-]+")) {
      throw new Rejected(
          what + " id must be 1-200 characters of letters, digits and ._:@/+- (got '" + id + "')");
    }
  }
}
