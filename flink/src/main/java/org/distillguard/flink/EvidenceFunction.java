package org.distillguard.flink;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.distillguard.core.link.EvidenceValue;
import org.jspecify.annotations.Nullable;

/**
 * The evidence operator of linking keyed by evidence: keyed by an evidence value's key (payment
 * fingerprint, email domain, IP prefix, wide prefix, client, system prompt, template), it keeps per
 * value what the linker's value table keeps ({@link EvidenceValue}: holders, established holders,
 * the last four holders with their evidence, a label) in keyed state, and answers each {@link
 * Claim} with a {@link Reply} to the claiming account: the candidates to compare it with (for a
 * claim) and the value's established holders (its rarity).
 */
final class EvidenceFunction extends KeyedProcessFunction<Long, Claim, Reply> {
  private static final long serialVersionUID = 1L;

  private transient @Nullable ValueState<EvidenceValue> value;

  @Override
  public void open(OpenContext context) {
    value =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("evidence-value", EvidenceStateSerializers.VALUE));
  }

  @Override
  public void processElement(Claim c, Context ctx, Collector<Reply> out) throws Exception {
    ValueState<EvidenceValue> state = AccountFunction.req(value);
    EvidenceValue v = state.value();
    if (c.isNew()) {
      if (v == null) {
        v = new EvidenceValue();
      }
      EvidenceValue.Claimed r = v.claim(c.kind(), c.account(), c.evidence(), c.label());
      state.update(v);
      out.collect(
          new Reply(
              c.account(),
              c.request(),
              c.q(),
              c.n(),
              c.key(),
              true,
              r.established(),
              r.candidates(),
              r.newLabel()));
      return;
    }
    // A probe: the account holds the value already (its claim came first, on the same channel).
    int established = 0;
    if (v != null) {
      v.refresh(c.account(), c.evidence());
      state.update(v);
      established = v.established();
    }
    out.collect(
        new Reply(
            c.account(), c.request(), c.q(), c.n(), c.key(), false, established, List.of(), null));
  }
}
