package org.distillguard.flink;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.CampaignStage;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.io.CampaignJson;
import org.distillguard.core.io.VerdictJson;
import org.distillguard.core.link.Campaign;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.link.Traits;
import org.jspecify.annotations.Nullable;

/**
 * The campaign stage: one instance (parallelism 1) sees every account's updates and runs the core
 * {@link CampaignStage} — campaign linking and campaign flags — then writes verdict lines (main
 * output), decisions and campaign lines (side outputs), all as (key, JSON) pairs.
 *
 * <p>Its state, the whole {@link CampaignStage} (about 300–340 bytes an account with the evidence
 * values, in the stage's compact binary format), is operator state checkpointed as a list of 1 MiB
 * chunks ({@link ChunkedBytes}). This single instance is the job's scaling limit: it does the
 * linker's constant work per request (the text analysis and per-account scoring run before it, in
 * parallel) and holds every account's linking state on one heap; see {@code docs/SCALE-OUT.md}.
 *
 * <p>With linking keyed by evidence it is the <em>groups</em> stage: updates arrive with the links
 * their requests made (found upstream by {@link EvidenceFunction} and {@link PairFunction}), and
 * the stage merges them (union-find) and reviews, flags and reports campaigns by the same code
 * ({@link CampaignStage#observeLinked}); it no longer holds evidence values or compares accounts.
 *
 * <p>Keyed by a constant so that it may use a timer: when a bounded input ends it writes every
 * campaign's final line.
 */
final class CampaignFunction extends KeyedProcessFunction<Integer, Update, Tuple2<String, String>>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  static final TypeInformation<Tuple2<String, String>> KEYED_JSON =
      Types.TUPLE(Types.STRING, Types.STRING);
  static final OutputTag<Tuple2<String, String>> DECISIONS =
      new OutputTag<>("decisions", KEYED_JSON);
  static final OutputTag<Tuple2<String, String>> CAMPAIGNS =
      new OutputTag<>("campaigns", KEYED_JSON);

  private final DetectorConfig config;
  private final LinkerConfig linking;
  private transient @Nullable CampaignStage stage;
  private transient @Nullable AccountDetector detector;
  private transient @Nullable ListState<byte[]> stageState;
  private transient @Nullable ListState<Tuple2<String, Integer>> emittedState;
  // campaign id -> size at its last line (negative once a confirmed line was written)
  private transient @Nullable Map<String, Integer> emitted;
  private transient @Nullable List<Integer> flagged;

  CampaignFunction(DetectorConfig config, LinkerConfig linking) {
    this.config = config;
    this.linking = linking;
  }

  @Override
  public void processElement(Update u, Context ctx, Collector<Tuple2<String, String>> out) {
    CampaignStage s = AccountFunction.req(stage);
    int a = s.index(u.account());
    if (u.fin()) {
      writeVerdict(s, a, u, out);
      return;
    }
    if (a == 0 && s.accountCount() == 0) {
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }
    Verdict before = a < s.accountCount() ? s.verdict(a) : Verdict.BENIGN;
    String campaignBefore = a < s.accountCount() ? s.campaignId(a) : null;
    List<Integer> newly = AccountFunction.req(flagged);
    newly.clear();
    Linking linking = u.linking();
    Traits traits = AccountFunction.req(u.traits());
    if (linking == null) {
      s.observe(
          a,
          u.account(),
          u.timeMillis(),
          traits,
          u.requests(),
          u.lastSeen(),
          u.own(),
          u.peakScore(),
          newly::add);
    } else {
      // linking keyed by evidence: the links were found upstream (PairFunction)
      for (Linking.Label l : linking.labels()) {
        s.label(l.key(), l.label());
      }
      s.observeLinked(
          a,
          u.account(),
          u.timeMillis(),
          traits.inputTokens(),
          traits.outputTokens(),
          linking.evidence(),
          linking.links(),
          u.requests(),
          u.lastSeen(),
          u.own(),
          u.peakScore(),
          newly::add);
    }
    Verdict after = s.verdict(a);
    if (after.ordinal() > before.ordinal() && !s.flaggedByCampaign(a)) {
      ctx.output(
          DECISIONS,
          Tuple2.of(
              u.account(),
              DecisionJson.toJson(
                  u.account(),
                  after,
                  "own_score",
                  s.campaignId(a),
                  u.peakScore(),
                  u.requests(),
                  u.timeMillis())));
    }
    for (int m : newly) {
      String name = s.account(m);
      ctx.output(
          DECISIONS,
          Tuple2.of(
              name,
              DecisionJson.toJson(
                  name,
                  Verdict.DISTILLATION,
                  "campaign",
                  s.campaignId(m),
                  s.campaignScore(m),
                  s.campaignFlaggedAfter(m),
                  s.campaignFlaggedAt(m))));
    }
    if (u.snapshot() != null) {
      writeVerdict(s, a, u, out);
    }
    String campaign = s.campaignId(a);
    if (campaign != null && (!campaign.equals(campaignBefore) || !newly.isEmpty())) {
      maybeWriteCampaign(s, a, campaign, ctx);
    }
  }

  private void writeVerdict(
      CampaignStage s, int a, Update u, Collector<Tuple2<String, String>> out) {
    byte[] snapshot = AccountFunction.req(u.snapshot());
    out.collect(
        Tuple2.of(
            u.account(),
            VerdictJson.toJson(
                AccountFunction.req(detector)
                    .assess(u.account(), AccountDetector.restore(snapshot), s, a))));
  }

  /** A campaign's line when it is named, confirmed, or has doubled since its last line. */
  private void maybeWriteCampaign(CampaignStage s, int a, String id, Context ctx) {
    Map<String, Integer> e = AccountFunction.req(emitted);
    Integer last = e.get(id);
    int size = s.groupSize(a);
    boolean confirmed = s.campaignConfirmed(a);
    boolean write = last == null || (confirmed && last > 0) || size >= 2 * Math.abs(last);
    if (write) {
      e.put(id, confirmed ? -size : size);
      Campaign c = s.campaignOf(a);
      if (c != null) {
        ctx.output(CAMPAIGNS, Tuple2.of(c.id(), CampaignJson.toJson(c)));
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<String, String>> out) {
    for (Campaign c : AccountFunction.req(stage).campaigns()) {
      ctx.output(CAMPAIGNS, Tuple2.of(c.id(), CampaignJson.toJson(c)));
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    ListState<byte[]> st = AccountFunction.req(stageState);
    ChunkedBytes bytes = new ChunkedBytes();
    try (DataOutputStream out = ChunkedBytes.output(bytes)) {
      AccountFunction.req(stage).write(out);
    }
    st.update(bytes.chunks());
    List<Tuple2<String, Integer>> sizes = new ArrayList<>();
    AccountFunction.req(emitted).forEach((k, v) -> sizes.add(Tuple2.of(k, v)));
    AccountFunction.req(emittedState).update(sizes);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    ListState<byte[]> st =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    "campaign-stage", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    ListState<Tuple2<String, Integer>> em =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>("campaign-lines", Types.TUPLE(Types.STRING, Types.INT)));
    stageState = st;
    emittedState = em;
    CampaignStage s;
    Iterable<byte[]> chunks = st.get();
    if (chunks.iterator().hasNext()) {
      try (DataInputStream in = ChunkedBytes.input(chunks)) {
        s = CampaignStage.read(in);
      } catch (IOException e) {
        throw new IOException(
            "cannot restore the campaign stage from this checkpoint (written by another version"
                + " of the job?): "
                + e.getMessage(),
            e);
      }
    } else {
      s = new CampaignStage(config, linking, true);
    }
    stage = s;
    Map<String, Integer> e = new HashMap<>();
    for (Tuple2<String, Integer> t : em.get()) {
      e.put(t.f0, t.f1);
    }
    emitted = e;
    detector = new AccountDetector(config, ScoringModel.shipped());
    flagged = new ArrayList<>();
  }
}
