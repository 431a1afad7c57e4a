package org.distillguard.flink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ModelAges;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/**
 * The per-account stage: analyses the prompt of each exchange (the source parsed it into an {@link
 * Observation}) and runs the core per-account detector ({@link AccountDetector}) on the account's
 * state, kept in Flink keyed state through {@link AccountSerializer} (the detector's own snapshot
 * bytes, about 650 bytes an account; with the heap backend a live object between requests). Emits
 * one {@link Update} per request for the campaign stage, with only the traits the linker reads.
 *
 * <p>An exchange whose id is among the account's last {@link RecentExchanges#SIZE} is a copy (a
 * gateway re-sends what Kafka had not acknowledged when it restarts) and is dropped before any
 * work, counted in the {@code duplicateExchanges} metric and accumulator.
 *
 * <p>Model first-appearance dates ({@link ModelAges}) are the only state shared across accounts;
 * each subtask keeps its own table, checkpointed as union list state so that a rescaled job keeps
 * the earliest date of every model.
 *
 * <p>With linking keyed by evidence ({@link EvidenceClaims}) it also keeps the account's linking
 * evidence and sends claims to the evidence values the account takes up (side output {@link
 * EvidenceClaims#CLAIMS}).
 *
 * <p>When a bounded input ends, a timer at the end of time sends every account's final state, so
 * that the campaign stage writes its final verdict line (bounded jobs only).
 */
final class AccountFunction extends KeyedProcessFunction<String, Observation, Update>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final DetectorConfig config;
  private final int snapshotEvery;
  private final boolean finalLines;
  // linking keyed by evidence: the account's evidence lives here, claims go to its values
  private final @Nullable LinkerConfig byEvidence;
  private transient @Nullable EvidenceClaims claims;
  private transient @Nullable ValueState<AccountDetector.Account> account;
  private transient @Nullable ValueState<long[]> recent;
  private transient @Nullable Counter duplicates;
  private transient @Nullable LongCounter duplicatesTotal;
  private transient @Nullable ListState<Tuple2<String, Long>> modelDates;
  private transient @Nullable AccountDetector detector;
  private transient @Nullable ModelAges ages;
  private transient @Nullable PromptAnalyzer analyzer;

  /**
   * @param finalLines whether to send every account's final state when the input ends (bounded
   *     inputs only: an unbounded job would keep one never-firing timer per account)
   */
  AccountFunction(DetectorConfig config, int snapshotEvery, boolean finalLines) {
    this(config, snapshotEvery, finalLines, null);
  }

  /**
   * @param byEvidence linking keyed by evidence with these settings ({@link EvidenceClaims}), or
   *     null for the single campaign stage
   */
  AccountFunction(
      DetectorConfig config,
      int snapshotEvery,
      boolean finalLines,
      @Nullable LinkerConfig byEvidence) {
    this.config = config;
    this.snapshotEvery = snapshotEvery;
    this.finalLines = finalLines;
    this.byEvidence = byEvidence;
  }

  @Override
  public void open(OpenContext context) {
    account =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("account-state", AccountSerializer.TYPE));
    recent =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "recent-exchanges", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateExchanges");
    duplicatesTotal = new LongCounter();
    getRuntimeContext().addAccumulator("duplicateExchanges", duplicatesTotal);
    detector = new AccountDetector(config, ScoringModel.shipped());
    analyzer = PromptAnalyzer.standard();
    LinkerConfig l = byEvidence;
    claims = l == null ? null : new EvidenceClaims(getRuntimeContext(), l);
  }

  @Override
  public void processElement(Observation parsed, Context ctx, Collector<Update> out)
      throws Exception {
    ValueState<long[]> seen = req(recent);
    long[] ids = seen.value();
    ids = ids == null ? RecentExchanges.none() : ids;
    if (RecentExchanges.contains(ids, parsed.idHash())) {
      req(duplicates).inc();
      req(duplicatesTotal).add(1);
      return;
    }
    seen.update(RecentExchanges.add(ids, parsed.idHash()));
    Observation o =
        parsed.withText(req(analyzer).analyze(parsed.traits().prompt(), parsed.text().system()));
    ValueState<AccountDetector.Account> state = req(account);
    AccountDetector.Account a = state.value();
    AccountDetector d = req(detector);
    boolean first = a == null;
    if (a == null) {
      a = d.newAccount();
      if (finalLines) {
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      }
    }
    Verdict was = a.verdict();
    Verdict now = d.observe(a, o, req(ages).age(o.model(), o.timeMillis()));
    // With the heap backend this stores the same object again (cheap); with RocksDB it writes the
    // account's bytes. Either way the state is the account after this request.
    state.update(a);
    boolean line = first || now != was || a.requests() % snapshotEvery == 0;
    EvidenceClaims c = claims;
    out.collect(
        new Update(
            false,
            o.account(),
            o.timeMillis(),
            a.requests(),
            a.lastSeen(),
            now,
            a.peakScore(),
            c == null ? Update.linkTraits(o.traits(), a.requests()) : o.traits().slim(),
            line ? AccountDetector.snapshot(a) : null,
            c == null ? null : c.observe(o, a, ctx)));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Update> out) throws Exception {
    AccountDetector.Account a = req(account).value();
    if (a == null) {
      return;
    }
    out.collect(
        new Update(
            true,
            ctx.getCurrentKey(),
            a.lastSeen(),
            a.requests(),
            a.lastSeen(),
            a.verdict(),
            a.peakScore(),
            null,
            AccountDetector.snapshot(a)));
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    ListState<Tuple2<String, Long>> dates = req(modelDates);
    dates.clear();
    List<Tuple2<String, Long>> all = new ArrayList<>();
    req(ages).firstSeen().forEach((m, t) -> all.add(Tuple2.of(m, t)));
    dates.update(all);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    ListState<Tuple2<String, Long>> dates =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "model-first-seen", Types.TUPLE(Types.STRING, Types.LONG)));
    modelDates = dates;
    ModelAges a = new ModelAges(config);
    Map<String, Long> restored = new HashMap<>();
    for (Tuple2<String, Long> t : dates.get()) {
      restored.merge(t.f0, t.f1, Math::min);
    }
    a.restore(restored);
    ages = a;
  }

  static <T> T req(@Nullable T t) {
    if (t == null) {
      throw new IllegalStateException("used before open()");
    }
    return t;
  }
}
