package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.gateway.journal.Journal;
import org.distillguard.gateway.keys.KeyCodec;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.limits.Limiter;
import org.distillguard.gateway.limits.Scope;
import org.distillguard.gateway.policy.AccessLists;
import org.distillguard.gateway.policy.Cidr;
import org.distillguard.gateway.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces: key format, address ranges, lists, limiter, journal. */
class UnitsTest {
  @TempDir Path dir;

  @Test
  void keysCarryTheirIdAndAreStoredAsSha256() {
    KeyCodec.NewKey k = KeyCodec.generate();
    assertThat(k.secret()).matches("dg_[0-9a-z]{10}_[0-9A-Za-z]{32}");
    assertThat(KeyCodec.idOf(k.secret())).isEqualTo(k.id());
    assertThat(k.sha256()).hasSize(64).isEqualTo(KeyCodec.sha256Hex(k.secret()));
    assertThat(KeyCodec.generate().secret()).isNotEqualTo(k.secret());
  }

  @Test
  void rangesContainWhatTheyShould() throws Exception {
    Cidr v4 = Cidr.parse("198.51.100.0/24");
    assertThat(v4.contains(java.net.InetAddress.getByName("198.51.100.77").getAddress())).isTrue();
    assertThat(v4.contains(java.net.InetAddress.getByName("198.51.101.1").getAddress())).isFalse();
    Cidr v6 = Cidr.parse("2001:db8::/32");
    assertThat(v6.contains(java.net.InetAddress.getByName("2001:db8:1::5").getAddress())).isTrue();
    assertThat(v6.contains(java.net.InetAddress.getByName("198.51.100.77").getAddress())).isFalse();
    assertThat(Cidr.prefixOf(java.net.InetAddress.getByName("203.0.113.9").getAddress(), 24))
        .isEqualTo("203.0.113.0/24");
    assertThatThrownBy(() -> Cidr.parse("example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void literalAddressesParseWithoutEverResolvingANameAndAgreeWithTheJdk() throws Exception {
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 2_000; i++) {
      String v4 =
          r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
      assertThat(Cidr.literal(v4)).isEqualTo(java.net.InetAddress.getByName(v4).getAddress());
    }
    assertThat(Cidr.literal("::1")).hasSize(16);
    assertThat(Cidr.literal("2001:DB8::5")).isEqualTo(Cidr.literal("2001:db8::5"));
    assertThat(Cidr.literal("::ffff:10.0.0.1")).isNotNull();
    for (String bad :
        List.of(
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1..2.3",
            "1.2.3.4.",
            ".1.2.3",
            "0001.2.3.4",
            "localhost",
            "example.com",
            "1.2.3.4 ",
            "fe80::1%eth0",
            "2001:db8::g",
            "١.٢.٣.٤")) {
      assertThat(Cidr.literal(bad)).as(bad).isNull();
    }
    assertThat(Cidr.literal(null)).isNull();
  }

  @Test
  void denyWinsOverAllow() throws Exception {
    AccessLists l =
        new AccessLists(
            List.of(
                new ListEntry(
                    ListEntry.ListType.ALLOW, ListEntry.Kind.ACCOUNT, "a", null, "t", 0, "R1"),
                new ListEntry(
                    ListEntry.ListType.DENY, ListEntry.Kind.IP, "10.0.0.0/8", null, "t", 0, "R2")));
    byte[] inside = java.net.InetAddress.getByName("10.1.2.3").getAddress();
    byte[] outside = java.net.InetAddress.getByName("11.1.2.3").getAddress();
    assertThat(java.util.Objects.requireNonNull(l.match("a", "k", null, inside)).ref())
        .isEqualTo("R2");
    assertThat(java.util.Objects.requireNonNull(l.match("a", "k", null, outside)).ref())
        .isEqualTo("R1");
    assertThat(l.match("b", "k", null, outside)).isNull();
  }

  @Test
  void aRefusedScopeGivesBackWhatOtherScopesTook() {
    // Two requests a minute at the key (refilled one per 30 s, so the test's own pace cannot
    // matter), one at the account.
    Limiter lim = new Limiter();
    List<Limiter.Key> keys =
        List.of(
            new Limiter.Key(Scope.KEY, "k", new LimitSpec(2, 0, 0)),
            new Limiter.Key(Scope.ACCOUNT, "a", new LimitSpec(1, 0, 0)));
    assertThat(lim.admit(keys, 10, 0)).isInstanceOf(Limiter.Permit.class);
    Limiter.Admission refused = lim.admit(keys, 10, 0);
    assertThat(refused)
        .isInstanceOfSatisfying(
            Limiter.Refusal.class, r -> assertThat(r.scope()).isEqualTo(Scope.ACCOUNT));
    // The key scope still has its second request: the refused one was not charged there.
    Limiter.Admission other =
        lim.admit(List.of(new Limiter.Key(Scope.KEY, "k", new LimitSpec(2, 0, 0))), 10, 0);
    assertThat(other).isInstanceOf(Limiter.Permit.class);
    assertThat(((Limiter.Permit) other).info().remainingRequests()).isZero();
  }

  @Test
  void concurrencyIsReleasedWhenARequestFinishes() {
    Limiter lim = new Limiter();
    List<Limiter.Key> keys = List.of(new Limiter.Key(Scope.ACCOUNT, "a", new LimitSpec(0, 0, 1)));
    Limiter.Permit p = (Limiter.Permit) lim.admit(keys, 0, 0);
    assertThat(lim.admit(keys, 0, 0)).isInstanceOf(Limiter.Refusal.class);
    p.finish(-1);
    assertThat(lim.admit(keys, 0, 0)).isInstanceOf(Limiter.Permit.class);
  }

  @Test
  void theJournalRotatesGzipsAndRedacts() throws Exception {
    Journal j = new Journal(dir, false, 300, Clock.systemUTC());
    for (int i = 0; i < 5; i++) {
      j.write(
          Exchange.builder("r" + i, 1_767_225_600_000L + i, "acct")
              .endpoint("chat.completions")
              .prompt("a secret prompt " + i)
              .output("a secret answer")
              .build());
    }
    j.close();
    List<Path> files = Journal.files(dir);
    assertThat(files.size()).isGreaterThan(1);
    assertThat(files.get(0).toString()).endsWith(".jsonl.gz");
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      try (InputStream in =
          f.toString().endsWith(".gz")
              ? new GZIPInputStream(Files.newInputStream(f))
              : Files.newInputStream(f)) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    String text = all.toString();
    assertThat(text).doesNotContain("secret");
    List<String> lines = text.lines().toList();
    assertThat(lines).hasSize(5);
    Exchange back = new ExchangeParser().parse(lines.get(4));
    assertThat(back.id()).isEqualTo("r4");
    assertThat(back.messages()).singleElement().satisfies(m -> assertThat(m.content()).isEmpty());
  }
}
