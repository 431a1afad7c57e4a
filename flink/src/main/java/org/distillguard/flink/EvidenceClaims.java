package org.distillguard.flink;

import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.OutputTag;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.LinkerConfig;

/**
 * The accounts operator's part of linking keyed by evidence: keeps the account's {@link
 * AccountEvidence} in keyed state ({@code account-evidence}), folds each request into it by the
 * linker's own rules, and when the evidence changed sends a {@link Claim} to each value taken up
 * and a probe to each value held or just given up ({@link AccountEvidence#observeAndTell}; side
 * output {@link #CLAIMS}, keyed by value downstream). Returns what the request's {@link Update}
 * carries for linking.
 */
final class EvidenceClaims {
  static final OutputTag<Claim> CLAIMS = new OutputTag<>("claims", Claim.TYPE);

  private final ValueState<AccountEvidence> state;
  private final LinkerConfig config;

  EvidenceClaims(RuntimeContext runtime, LinkerConfig config) {
    this.state =
        runtime.getState(
            new ValueStateDescriptor<>("account-evidence", EvidenceStateSerializers.ACCOUNT));
    this.config = config;
  }

  /** Folds the request into the account's evidence; sends claims and probes through {@code ctx}. */
  Linking observe(
      Observation o, AccountDetector.Account account, KeyedProcessFunction<?, ?, ?>.Context ctx)
      throws Exception {
    if (AccountEvidence.unchangedBy(
        account.requests(), o.traits().createdMillis(), account.createdMillis())) {
      return Linking.NONE; // most requests: no state read (a RocksDB lookup) at all
    }
    AccountEvidence ev = state.value();
    if (ev == null) {
      ev = new AccountEvidence();
    }
    boolean learning = ev.learning();
    List<AccountEvidence.Told> told =
        ev.observeAndTell(
            account.requests(), account.firstSeen(), o.traits(), config.youngMillis());
    if (told != null || learning) {
      // with RocksDB the state is bytes: write it back whenever the evidence moved
      state.update(ev);
    }
    if (told == null) {
      return Linking.NONE;
    }
    AccountEvidence copy = ev.linkingCopy();
    int n = told.size();
    for (int q = 0; q < n; q++) {
      AccountEvidence.Told t = told.get(q);
      ctx.output(
          CLAIMS,
          new Claim(
              t.key(),
              t.claim(),
              t.kind(),
              o.account(),
              account.requests(),
              q,
              n,
              copy,
              t.label()));
    }
    return new Linking(copy, n, List.of(), List.of());
  }
}
