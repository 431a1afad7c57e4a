package org.distillguard.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distillguard.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The keys, policy and serve --check commands on a real SQLite store next to the config. */
class GatewayCommandsTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path config() throws Exception {
    Path c = dir.resolve("distillguard.yaml");
    Files.writeString(
        c,
        """
        admin: {token: "${DG_TEST_UNSET_ADMIN_TOKEN:-0123456789abcdef0123}"}
        upstreams:
          - {api: openai, url: "http://127.0.0.1:9", api_key: "${DG_TEST_UNSET_KEY:-x}"}
        """);
    return c;
  }

  @Test
  void serveOnAPortAlreadyTakenSaysSoInOneLineAndExitsTwo() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path c = dir.resolve("taken.yaml");
      Files.writeString(
          c,
          """
          listen: {host: 127.0.0.1, port: PORT}
          admin: {port: -1}
          upstreams: [{api: openai, url: "http://127.0.0.1:9", api_key: x}]
          """
              .replace("PORT", Integer.toString(taken.getLocalPort())));
      Run r =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofMinutes(1), () -> run("serve", "-c", c.toString()));
      assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err())
          .startsWith("distillguard serve: cannot start: ")
          .doesNotContain("internal error")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void keysArIssuedListedAndRevokedWithAnAuditTrail() throws Exception {
    String c = config().toString();
    Run created = run("keys", "create", "-c", c, "--account", "acct-cli", "--name", "laptop");
    assertThat(created.code()).as(created.err()).isEqualTo(0);
    Matcher m = Pattern.compile("key id:\\s+(\\S+)").matcher(created.out());
    assertThat(m.find()).isTrue();
    String id = m.group(1);
    assertThat(created.out()).contains("secret:  dg_" + id + "_");
    assertThat(Files.exists(dir.resolve("distillguard.db"))).isTrue();

    Run list = run("keys", "list", "-c", c);
    assertThat(list.out()).contains(id).contains("acct-cli").doesNotContain("dg_" + id + "_");

    assertThat(run("keys", "revoke", "-c", c, id, "--reason", "lost laptop").code()).isEqualTo(0);
    Run again = run("keys", "revoke", "-c", c, id);
    assertThat(again.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(again.err()).contains("already revoked");

    assertThat(run("keys", "account", "-c", c, "acct-cli", "--rpm", "30").out()).contains("rpm=30");
    // Enrichment for intelligence matching; a later update without it keeps it.
    assertThat(run("keys", "account", "-c", c, "acct-cli", "--payment-fp", "pm_card_x1").out())
        .contains("payment_fp=set");
    assertThat(run("keys", "account", "-c", c, "acct-cli", "--email-domain", "example.org").out())
        .contains("payment_fp=set")
        .contains("email_domain=example.org");
    assertThat(run("keys", "account", "-c", c, "acct-cli", "--payment-fp", "").out())
        .contains("payment_fp=-");
    run("keys", "create", "-c", c, "--account", "acct-cli");
    run("keys", "create", "-c", c, "--account", "acct-cli");
    Run whole = run("keys", "revoke", "-c", c, "--account", "acct-cli", "--reason", "fraud");
    assertThat(whole.out()).contains("revoked account acct-cli: 2 key(s)");
    assertThat(run("keys", "revoke", "-c", c).code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("keys", "accounts", "-c", c).out()).contains("acct-cli");

    Run audit = run("policy", "audit", "-c", c, "--subject", "key:" + id);
    assertThat(audit.out()).contains("key.revoke").contains("key.create").contains("cli:");
  }

  @Test
  void manualListsFromTheCommandLine() throws Exception {
    String c = config().toString();
    Run deny = run("policy", "deny", "-c", c, "--ip", "203.0.113.0/24", "--reason", "botnet");
    assertThat(deny.code()).as(deny.err()).isEqualTo(0);
    assertThat(deny.out()).contains("deny ip 203.0.113.0/24 (reference DG-");
    assertThat(run("policy", "lists", "-c", c).out()).contains("203.0.113.0/24").contains("botnet");
    Run bad = run("policy", "deny", "-c", c, "--ip", "not-an-ip");
    assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run("policy", "unlist", "-c", c, "--ip", "203.0.113.0/24").code()).isEqualTo(0);
    assertThat(run("policy", "deny", "-c", c).code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void serveCheckValidatesTheConfiguration() throws Exception {
    Run ok = run("serve", "--check", "-c", config().toString());
    assertThat(ok.code()).as(ok.err()).isEqualTo(0);
    assertThat(ok.out()).contains("configuration ok: 1 upstream(s), store SQLite");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "upstreams: []\nlisten: {port: 1}\n");
    Run r = run("serve", "--check", "-c", bad.toString());
    assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("at least one entry under 'upstreams'");
    Files.writeString(bad, "upstreams: [{api: openai, url: 'http://x'}]\nlisten: {prot: 1}\n");
    assertThat(run("serve", "--check", "-c", bad.toString()).err())
        .contains("unknown setting 'prot'");
  }
}
