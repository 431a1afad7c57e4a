package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distillguard.intel.export.Analysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader of analyze's output follows Contract 2 as the campaign linker writes it. */
class AnalysisTest {
  @TempDir Path dir;

  @Test
  void readsTheLinkersLinesWithNullsUnknownFieldsAndIpv6Blocks() throws Exception {
    Files.writeString(
        dir.resolve("verdicts.jsonl"),
        "{\"account\":\"a1\",\"verdict\":\"distillation\",\"score\":1.0,\"requests\":55,\"flagged_after\":3,"
            + "\"flagged_at\":\"2026-11-02T23:55:24.773Z\",\"campaign\":\"campaign-1\","
            + "\"reasons\":[{\"signal\":\"campaign\",\"value\":1.0,\"contribution\":2.0}],\"first_seen\":\"2026-11-02T22:40:01.128Z\"}\n"
            + "\n"
            + "{\"account\":\"a2\",\"verdict\":\"benign\",\"score\":0.1,\"requests\":5,\"flagged_after\":null,"
            + "\"flagged_at\":null,\"campaign\":null,\"reasons\":[]}\n");
    Files.writeString(
        dir.resolve("campaigns.jsonl"),
        "{\"id\":\"campaign-1\",\"verdict\":\"distillation\",\"score\":1.0,\"size\":38,\"accounts\":[\"a1\"],"
            + "\"requests\":2638,\"input_tokens\":185943,\"output_tokens\":2205133,"
            + "\"first_seen\":\"2026-11-02T22:40:01.128Z\",\"last_seen\":\"2026-11-04T20:36:59.312Z\","
            + "\"confirmed_at\":\"2026-11-02T23:55:24.773Z\","
            + "\"indicators\":[{\"type\":\"ip_prefix_48\",\"value\":\"2001:db8:5::/48\",\"accounts\":3},"
            + "{\"type\":\"ip_prefix\",\"value\":\"2001:db8:5:1::/64\",\"accounts\":3},"
            + "{\"type\":\"template\",\"value\":\"6cba7f784f317fe0\",\"accounts\":31},{\"type\":\"new_kind\",\"value\":\"x\"}],"
            + "\"members\":[{\"account\":\"a1\",\"joined_at\":\"2026-11-02T22:41:00Z\",\"linked_by\":[\"young_accounts\"],\"via\":\"a9\"}],"
            + "\"reasons\":[{\"signal\":\"suspicious_members\",\"value\":174.0,\"contribution\":1.0}]}\n"
            + "{\"id\":\"campaign-2\",\"verdict\":\"suspicious\",\"score\":0.6,\"size\":3,\"accounts\":[\"b1\",\"b2\",\"b3\"],"
            + "\"requests\":30,\"first_seen\":\"2026-11-03T00:00:00Z\",\"last_seen\":\"2026-11-03T01:00:00Z\","
            + "\"confirmed_at\":null,\"indicators\":[],\"members\":[],\"reasons\":[]}\n");
    Analysis a = Analysis.read(dir);
    assertThat(a.verdicts()).hasSize(2);
    assertThat(a.verdicts().get(1).flaggedAt()).isNull();
    assertThat(a.verdicts().get(1).campaign()).isNull();
    assertThat(a.campaigns()).hasSize(2);
    assertThat(a.campaigns().get(0).indicators()).hasSize(4);
    assertThat(a.campaigns().get(1).confirmedAt()).isNull();
    assertThat(a.campaigns().get(1).inputTokens()).isZero();
  }

  @Test
  void namesTheFileAndLineOfABadLine() throws Exception {
    Files.writeString(
        dir.resolve("verdicts.jsonl"), "{\"account\":\"a1\",\"verdict\":\"benign\"}\n{oops\n");
    Files.writeString(dir.resolve("campaigns.jsonl"), "");
    assertThatThrownBy(() -> Analysis.read(dir))
        .isInstanceOf(Analysis.AnalysisException.class)
        .hasMessageContaining("verdicts.jsonl:2");
    Files.delete(dir.resolve("campaigns.jsonl"));
    Files.writeString(dir.resolve("verdicts.jsonl"), "");
    assertThatThrownBy(() -> Analysis.read(dir))
        .hasMessageContaining("campaigns.jsonl: no such file");
  }
}
