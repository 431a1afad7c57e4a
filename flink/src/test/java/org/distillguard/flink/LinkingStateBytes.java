package org.distillguard.flink;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.CampaignStage;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ModelAges;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;

/**
 * The state linking keeps per account in each mode, from one pass over a log in file order (the
 * job's operators' state, computed with the same core classes): with {@code --linking single} the
 * campaign stage's blob; with {@code --linking evidence} the accounts' evidence (keyed), the
 * evidence values (keyed) and the groups stage's blob; and how many claims and probes the log
 * causes. Not a test: run by hand, see {@code docs/PERFORMANCE.md}.
 *
 * <pre>java -cp ... org.distillguard.flink.LinkingStateBytes LOG</pre>
 */
public final class LinkingStateBytes {
  private LinkingStateBytes() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    DetectorConfig config = DetectorConfig.defaults();
    LinkerConfig linking = LinkerConfig.defaults();
    AccountDetector d = new AccountDetector(config, ScoringModel.shipped());
    CampaignStage single = new CampaignStage(config, linking, true);
    CampaignStage groups = new CampaignStage(config, linking, true);
    ModelAges ages = new ModelAges(config);
    PromptAnalyzer analyzer = PromptAnalyzer.standard();
    ExchangeParser parser = new ExchangeParser();
    Map<String, AccountDetector.Account> accounts = new HashMap<>();
    Map<String, AccountEvidence> evidence = new HashMap<>();
    Map<Long, EvidenceValue> values = new HashMap<>();
    long events = 0;
    long messages = 0;
    long changes = 0;
    try (LineSource lines = LineSource.open(args[0], LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (lines.next()) {
        Exchange e;
        try {
          e = parser.parse(lines.buffer(), 0, lines.length());
        } catch (MalformedExchangeException ex) {
          continue;
        }
        events++;
        Observation o = Observation.of(e, analyzer);
        AccountDetector.Account a = accounts.computeIfAbsent(o.account(), k -> d.newAccount());
        d.observe(a, o, ages.age(o.model(), o.timeMillis()));
        single.observe(
            single.index(o.account()),
            o.account(),
            o.timeMillis(),
            o.traits(),
            a.requests(),
            a.lastSeen(),
            a.verdict(),
            a.peakScore(),
            null);
        AccountEvidence ev = evidence.computeIfAbsent(o.account(), k -> new AccountEvidence());
        List<AccountEvidence.Told> told =
            ev.observeAndTell(a.requests(), a.firstSeen(), o.traits(), linking.youngMillis());
        List<AccountEvidence.Link> found = List.of();
        AccountEvidence copy = null;
        if (told != null) {
          changes++;
          messages += told.size();
          copy = ev.linkingCopy();
          Map<Long, Integer> established = new HashMap<>();
          List<List<EvidenceValue.Holder>> candidates = new ArrayList<>();
          for (AccountEvidence.Told t : told) {
            EvidenceValue v = values.computeIfAbsent(t.key(), k -> new EvidenceValue());
            if (t.claim()) {
              EvidenceValue.Claimed c = v.claim(t.kind(), o.account(), copy, t.label());
              established.put(t.key(), c.established());
              candidates.add(c.candidates());
              String label = c.newLabel();
              if (label != null) {
                groups.label(t.key(), label);
              }
            } else {
              v.refresh(o.account(), copy);
              established.put(t.key(), v.established());
            }
          }
          found =
              copy.links(
                  o.account(),
                  candidates,
                  k -> AccountEvidence.rarity(established.getOrDefault(k, 0)),
                  linking);
        }
        groups.observeLinked(
            groups.index(o.account()),
            o.account(),
            o.timeMillis(),
            o.traits().inputTokens(),
            o.traits().outputTokens(),
            copy,
            found,
            a.requests(),
            a.lastSeen(),
            a.verdict(),
            a.peakScore(),
            null);
      }
    }
    int n = accounts.size();
    long evidenceBytes = 0;
    for (AccountEvidence ev : evidence.values()) {
      evidenceBytes += bytes(ev::write);
    }
    long valueBytes = 0;
    for (var v : values.entrySet()) {
      valueBytes += 8 + bytes(v.getValue()::write);
    }
    long singleBlob = single.snapshot().length;
    long groupsBlob = groups.snapshot().length;
    out.printf(
        "%,d events, %,d accounts, %,d evidence values%n"
            + "single: campaign stage %.0f B/account (one instance)%n"
            + "evidence: account evidence %.0f B/account (keyed), evidence values %.0f B/value ="
            + " %.0f B/account (keyed), groups stage %.0f B/account (one instance)%n"
            + "evidence changes %,d (%.2f per account, %.4f per event), claims+probes %,d"
            + " (%.3f per event)%n"
            + "same campaigns in file order: %b%n",
        events,
        n,
        values.size(),
        singleBlob / (double) n,
        evidenceBytes / (double) n,
        valueBytes / (double) values.size(),
        valueBytes / (double) n,
        groupsBlob / (double) n,
        changes,
        changes / (double) n,
        changes / (double) events,
        messages,
        messages / (double) events,
        groups.campaigns().equals(single.campaigns()));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static long bytes(Writer w) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      w.write(out);
    }
    return b.size();
  }
}
