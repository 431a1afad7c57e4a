package org.distillguard.intel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.distillguard.intel.export.Analysis;
import org.distillguard.intel.export.BundleExporter;
import org.distillguard.intel.export.LogEvidence;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.sign.Signer;
import org.distillguard.intel.sign.SigningKey;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixTime;
import org.jspecify.annotations.Nullable;

/**
 * A small analysis directory and exchange log: one hydra campaign of eight accounts (one /24, one
 * card, a throwaway e-mail domain, a templated prompt set), one lone flagged account, and benign
 * accounts. Keys are derived from fixed seeds so that output is reproducible.
 */
public final class Fixture {
  /** The hydra's distinctive client string. */
  public static final String HYDRA_CLIENT = "harvest-kit/0.9 (+ops)";

  public static final long NOW = StixTime.parseMillis("2026-11-06T00:00:00.000Z");
  public static final String PAYMENT = "pf-9a1c02ff-card-7731-4400-aa";
  public static final String EMAIL_DOMAIN = "tmpmail-campaign-operator.example";
  public static final String LONE_PAYMENT = "pf-lone-operator-5512-7789";
  public static final String SYSTEM_PROMPT =
      "You are a meticulous teacher model. Always explain every step in full detail.";

  public final List<String> prompts = new ArrayList<>();
  public final List<String> secrets = new ArrayList<>();
  public final Path dir;
  public final Path log;

  public Fixture(Path dir) throws IOException {
    this.dir = dir;
    this.log = dir.resolve("log.jsonl");
    Random rnd = new Random(7);
    String[] topics = {
      "photosynthesis in desert plants", "the causes of the French revolution",
      "quantum tunnelling in transistors", "how vaccines train the immune system",
      "the economics of container shipping", "why the sky appears blue at noon",
      "recursion in functional programming", "plate tectonics and earthquakes"
    };
    StringBuilder logText = new StringBuilder();
    int n = 0;
    List<String> members = new ArrayList<>();
    for (int a = 0; a < 8; a++) {
      String acct = "acct-hydra-" + (1000 + a);
      members.add(acct);
      for (int i = 0; i < 30; i++) {
        String prompt =
            "Explain step by step, as a detailed chain of reasoning, "
                + topics[(a + i) % topics.length]
                + " (variant "
                + rnd.nextInt(100000)
                + ", unique nonce "
                + Long.toHexString(rnd.nextLong())
                + ")";
        prompts.add(prompt);
        String ip = "198.18.4." + (10 + a);
        logText.append(line(n++, acct, ip, prompt, PAYMENT, EMAIL_DOMAIN, SYSTEM_PROMPT, i));
      }
    }
    for (int i = 0; i < 20; i++) {
      String prompt =
          "Write the complete solution to exercise " + i + " of the private workbook zeta";
      prompts.add(prompt);
      logText.append(
          line(
              n++,
              "acct-lone-77",
              "2001:db8:77:1::5",
              prompt,
              LONE_PAYMENT,
              "lonemail.example",
              null,
              i));
    }
    // A benign account in the lone distiller's /48 (a shared carrier block): the block must not
    // be published whole, only the distiller's own address.
    logText.append(
        line(
            n++,
            "acct-benign-neighbour",
            "2001:db8:77:2::9",
            "what time is it in Lisbon",
            "pf-neighbour-card-000111",
            "mail.example",
            null,
            0));
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < 5; i++) {
        String prompt = "my grandmother's lasagne recipe needs fixing, benign user number " + b;
        prompts.add(prompt);
        logText.append(
            line(
                n++,
                "acct-benign-" + b,
                "203.0.113." + b,
                prompt,
                "pf-benign-card-" + b + "-0000111",
                "gmail.example",
                null,
                i));
      }
    }
    Files.writeString(log, logText.toString(), StandardCharsets.UTF_8);
    secrets.addAll(prompts);
    secrets.add(PAYMENT);
    secrets.add(EMAIL_DOMAIN);
    secrets.add(LONE_PAYMENT);
    secrets.add(SYSTEM_PROMPT);
    secrets.add("lonemail.example");
    secrets.add("acct-lone-77");
    members.forEach(secrets::add);

    StringBuilder v = new StringBuilder();
    for (String m : members) {
      v.append(
          "{\"account\":\""
              + m
              + "\",\"verdict\":\"distillation\",\"score\":0.93,\"requests\":30,"
              + "\"flagged_after\":12,\"flagged_at\":\"2026-11-03T15:00:00Z\",\"campaign\":\"campaign-1\","
              + "\"reasons\":[{\"signal\":\"reasoning_elicitation\",\"value\":0.9,\"contribution\":1.2},"
              + "{\"signal\":\"topic_sweep\",\"value\":0.7,\"contribution\":0.8}]}\n");
    }
    v.append(
        "{\"account\":\"acct-lone-77\",\"verdict\":\"distillation\",\"score\":0.95,\"requests\":20,"
            + "\"flagged_after\":9,\"flagged_at\":\"2026-11-04T10:00:00Z\",\"campaign\":null,\"reasons\":[]}\n");
    for (int b = 0; b < 3; b++) {
      v.append(
          "{\"account\":\"acct-benign-"
              + b
              + "\",\"verdict\":\"benign\",\"score\":0.02,\"requests\":5,"
              + "\"flagged_after\":null,\"flagged_at\":null,\"campaign\":null,\"reasons\":[],\"extra\":{\"x\":1}}\n");
    }
    Files.writeString(dir.resolve("verdicts.jsonl"), v.toString());
    String accounts = String.join("\",\"", members);
    Files.writeString(
        dir.resolve("campaigns.jsonl"),
        "{\"id\":\"campaign-1\",\"verdict\":\"distillation\",\"score\":0.97,\"size\":8,"
            + "\"accounts\":[\""
            + accounts
            + "\"],"
            + "\"requests\":240,\"input_tokens\":10000,\"output_tokens\":90000,"
            + "\"first_seen\":\"2026-11-03T14:02:11.250Z\",\"last_seen\":\"2026-11-05T01:00:00Z\","
            + "\"confirmed_at\":\"2026-11-03T18:00:00Z\","
            + "\"indicators\":[{\"type\":\"payment_fp\",\"value\":\""
            + PAYMENT
            + "\",\"accounts\":8},"
            + "{\"type\":\"ip_prefix\",\"value\":\"198.18.4.0/24\",\"accounts\":8},"
            + "{\"type\":\"ip_prefix_48\",\"value\":\"2001:db8:99::/48\",\"accounts\":3},"
            + "{\"type\":\"email_domain\",\"value\":\""
            + EMAIL_DOMAIN
            + "\",\"accounts\":8},"
            + "{\"type\":\"client\",\"value\":\""
            + HYDRA_CLIENT
            + "\",\"accounts\":8},"
            // shared with bystanders in the logs: must not be published
            + "{\"type\":\"client\",\"value\":\"OpenAI/Python 1.54.0\",\"accounts\":2},"
            + "{\"type\":\"template\",\"value\":\"3f9a0c11aa22bb33\",\"accounts\":8},"
            + "{\"type\":\"system_prompt\",\"value\":\"77ab00ff11ee22dd\",\"accounts\":8}],"
            + "\"members\":[{\"account\":\""
            + members.get(0)
            + "\",\"joined_at\":\"2026-11-03T14:02:11.250Z\","
            + "\"linked_by\":[\"payment_fp\",\"ip_prefix\"]}],"
            + "\"reasons\":[{\"signal\":\"suspicious_members\",\"value\":0.87,\"contribution\":0.9}],"
            + "\"future_field\":[1,2,3]}\n");
  }

  private static String line(
      int n,
      String acct,
      String ip,
      String prompt,
      String pay,
      String mail,
      @Nullable String system,
      int i) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", "r-" + n);
    o.put(
        "time",
        StixTime.format(StixTime.parseMillis("2026-11-03T14:02:11.250Z") + n * 60_000L + i));
    o.put("account", acct);
    o.put("ip", ip);
    // The hydra runs its own harvesting client; everyone else a popular SDK (shared by bystanders,
    // so never published).
    o.put("user_agent", acct.startsWith("acct-hydra-") ? HYDRA_CLIENT : "OpenAI/Python 1.54.0");
    var msgs = o.putArray("messages");
    if (system != null) {
      msgs.addObject().put("role", "system").put("content", system);
    }
    msgs.addObject().put("role", "user").put("content", prompt);
    o.putObject("account_meta").put("payment_fp", pay).put("email_domain", mail);
    return o.toString() + "\n";
  }

  /** A member with reproducible keys. */
  public static final class Member {
    public final String name;
    public final SigningKey key;
    public final Signer signer;

    public Member(String name) {
      this.name = name;
      this.key = SigningKey.generate(seeded(name));
      this.signer = new Signer(key, Peer.identityOf(name));
    }

    public Peer asPeer() {
      return new Peer(name, Peer.identityOf(name), List.of(key.publicKey()));
    }
  }

  public static ConsortiumKey consortiumKey() {
    byte[] b = new byte[32];
    new Random(42).nextBytes(b);
    return new ConsortiumKey(b);
  }

  static SecureRandom seeded(String seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed.getBytes(StandardCharsets.UTF_8));
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Exports the fixture as {@code member}. */
  public ObjectNode export(Member member) throws Exception {
    ConsortiumKey k = consortiumKey();
    BundleExporter ex =
        new BundleExporter(
            BundleExporter.Options.defaults(member.name),
            new Fingerprints(k),
            new PromptSketcher(k),
            member.signer);
    Analysis analysis = Analysis.read(dir);
    java.util.Set<String> accounts = new java.util.HashSet<>();
    analysis.verdicts().forEach(v -> accounts.add(v.account()));
    LogEvidence logs = LogEvidence.read(List.of(log.toString()), accounts);
    return ex.export(analysis, logs, NOW, List.of());
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
