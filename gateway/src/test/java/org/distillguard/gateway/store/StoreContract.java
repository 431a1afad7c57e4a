package org.distillguard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link Store} back-end must do; subclasses open SQLite or PostgreSQL. */
abstract class StoreContract {
  abstract Store store();

  @Test
  void accountsUpsertAndKeepTheirOverrides() {
    Store s = store();
    s.putAccount(new Account("a-1", "org-1", 1000, 60, null, 4, "trial"));
    s.putAccount(new Account("a-1", "org-2", 1000, null, 5000L, null, null));
    Account a = s.account("a-1").orElseThrow();
    assertThat(a.org()).isEqualTo("org-2");
    assertThat(a.rpm()).isNull();
    assertThat(a.tpm()).isEqualTo(5000L);
    assertThat(s.accounts()).extracting(Account::id).contains("a-1");
  }

  @Test
  void keysAreStoredByHashAndRevokedOnce() {
    Store s = store();
    s.putKey(new ApiKey("k-1", "ab".repeat(32), "a-1", "ci", 1000, null));
    assertThat(s.revokeKey("k-1", 2000)).isTrue();
    assertThat(s.revokeKey("k-1", 3000)).isFalse();
    assertThat(s.key("k-1").orElseThrow().revokedMillis()).isEqualTo(2000L);
  }

  @Test
  void aSubjectIsOnOneListAtATime() {
    Store s = store();
    s.putListEntry(
        new ListEntry(
            ListEntry.ListType.ALLOW, ListEntry.Kind.IP, "10.0.0.0/8", "x", "t", 1, "DG-1"));
    s.putListEntry(
        new ListEntry(
            ListEntry.ListType.DENY, ListEntry.Kind.IP, "10.0.0.0/8", "y", "t", 2, "DG-2"));
    List<ListEntry> l =
        s.listEntries().stream().filter(e -> e.subject().equals("10.0.0.0/8")).toList();
    assertThat(l)
        .singleElement()
        .satisfies(e -> assertThat(e.list()).isEqualTo(ListEntry.ListType.DENY));
    assertThat(s.removeListEntry(ListEntry.Kind.IP, "10.0.0.0/8")).isTrue();
    assertThat(s.removeListEntry(ListEntry.Kind.IP, "10.0.0.0/8")).isFalse();
  }

  @Test
  void verdictsUpsertAndClear() {
    Store s = store();
    s.putVerdict(
        new StoredVerdict("v-1", "suspicious", 0.6, 20, null, "r", 1, "DG-A", null, false));
    s.putVerdict(
        new StoredVerdict("v-1", "distillation", 0.9, 30, 5L, "r", 2, "DG-B", "c-1", true));
    StoredVerdict v =
        s.verdicts().stream().filter(x -> x.account().equals("v-1")).findFirst().orElseThrow();
    assertThat(v.verdict()).isEqualTo("distillation");
    assertThat(v.campaignConfirmed()).isTrue();
    assertThat(v.flaggedAtMillis()).isEqualTo(5L);
    assertThat(s.clearVerdict("v-1")).isTrue();
  }

  @Test
  void auditIsNewestFirstFilteredAndPaged() {
    Store s = store();
    for (int i = 0; i < 5; i++) {
      s.appendAudit(new AuditEntry("DG-T" + i, i, "t", "x", "account:p_1%", "r" + i, null));
    }
    s.appendAudit(new AuditEntry("DG-T9", 9, "t", "x", "account:p_10", null, null));
    List<AuditEntry> page = s.audit("account:p_1%", null, 3);
    assertThat(page).extracting(AuditEntry::id).containsExactly("DG-T4", "DG-T3", "DG-T2");
    assertThat(s.audit("account:p_1%", "DG-T2", 10))
        .extracting(AuditEntry::id)
        .containsExactly("DG-T1", "DG-T0");
    assertThat(s.ping()).isTrue();
  }

  @Test
  void markServingsKeepHashesAndIdsNewestFirstPerAccount() {
    Store s = store();
    s.putMarkServing(
        new MarkServing(
            "m1",
            10,
            "acct-a",
            "camp-1",
            "campaign:camp-1",
            "00ff",
            "chat.completions",
            "ph1",
            "ch1",
            120,
            4,
            2,
            "vllm"));
    s.putMarkServing(
        new MarkServing(
            "m2",
            20,
            "acct-a",
            null,
            "account:acct-a",
            "0aff",
            "messages",
            "ph2",
            null,
            80,
            3,
            1,
            "none"));
    s.putMarkServing(
        new MarkServing(
            "m3",
            15,
            "acct-b",
            null,
            "account:acct-b",
            "0bff",
            "responses",
            "ph3",
            null,
            5,
            0,
            0,
            "none"));
    assertThat(s.markServings("acct-a", 10))
        .extracting(MarkServing::id)
        .containsExactly("m2", "m1");
    assertThat(s.markServings(null, 10))
        .extracting(MarkServing::id)
        .containsExactly("m2", "m3", "m1");
    MarkServing m1 = s.markServings("acct-a", 10).get(1);
    assertThat(m1.campaign()).isEqualTo("camp-1");
    assertThat(m1.canaryHash()).isEqualTo("ch1");
    assertThat(m1.units()).isEqualTo(4);
    assertThat(s.markServings("acct-a", 10).get(0).canaryHash()).isNull();
  }
}
