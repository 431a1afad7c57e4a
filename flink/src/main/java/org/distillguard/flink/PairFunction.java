package org.distillguard.flink;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;
import org.distillguard.core.link.LinkerConfig;
import org.jspecify.annotations.Nullable;

/**
 * The pairing operator of linking keyed by evidence, keyed by account: it joins an account's {@link
 * Update}s with its evidence values' {@link Reply}s. An update whose request took up values waits
 * here until every claim and probe of that request is answered; then the core's pair rule ({@link
 * AccountEvidence#links}: the linker's comparison, points and threshold, on the candidates in the
 * order the linker compares them and the rarities the values reported) finds its links, and the
 * update goes on to the groups stage carrying them. Later updates of the same account wait behind
 * it, so the groups stage sees each account's requests in order, each with its links, as the
 * single-instance linker does.
 *
 * <p>State per account: the waiting update, the updates behind it and the replies in; all empty
 * between such requests (a few per account's life: its first requests and its moves).
 */
final class PairFunction extends KeyedCoProcessFunction<String, Update, Reply, Update> {
  private static final long serialVersionUID = 1L;

  private final LinkerConfig linking;
  private transient @Nullable ValueState<Update> waiting;
  private transient @Nullable ListState<Update> behind;
  private transient @Nullable ListState<Reply> replies;

  PairFunction(LinkerConfig linking) {
    this.linking = linking;
  }

  @Override
  public void open(OpenContext context) {
    waiting = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting", Update.TYPE));
    behind = getRuntimeContext().getListState(new ListStateDescriptor<>("behind", Update.TYPE));
    replies = getRuntimeContext().getListState(new ListStateDescriptor<>("replies", Reply.TYPE));
  }

  @Override
  public void processElement1(Update u, Context ctx, Collector<Update> out) throws Exception {
    if (AccountFunction.req(waiting).value() != null) {
      AccountFunction.req(behind).add(u);
      return;
    }
    pass(u, out);
  }

  @Override
  public void processElement2(Reply r, Context ctx, Collector<Update> out) throws Exception {
    // A reply may overtake its update (they travel different paths): it waits either way.
    AccountFunction.req(replies).add(r);
    complete(out);
  }

  /** Sends {@code u} on, or makes it the waiting update if it expects replies. */
  private void pass(Update u, Collector<Update> out) throws Exception {
    Linking l = u.linking();
    if (l == null || l.expect() == 0) {
      out.collect(u);
      return;
    }
    AccountFunction.req(waiting).update(u);
    complete(out);
  }

  /** While the waiting update has all its replies: pair, send it on, and take the next. */
  private void complete(Collector<Update> out) throws Exception {
    ValueState<Update> w = AccountFunction.req(waiting);
    while (true) {
      Update u = w.value();
      if (u == null) {
        return;
      }
      Linking l = AccountFunction.req(u.linking());
      List<Reply> mine = new ArrayList<>();
      List<Reply> others = new ArrayList<>();
      for (Reply r : AccountFunction.req(replies).get()) {
        (r.request() == u.requests() ? mine : others).add(r);
      }
      if (mine.size() < l.expect()) {
        return;
      }
      AccountFunction.req(replies).update(others);
      out.collect(u.withLinking(pair(u.account(), l, mine)));
      w.clear();
      List<Update> queue = new ArrayList<>();
      AccountFunction.req(behind).get().forEach(queue::add);
      int i = 0;
      while (i < queue.size() && w.value() == null) {
        Update next = queue.get(i++);
        Linking nl = next.linking();
        if (nl == null || nl.expect() == 0) {
          out.collect(next);
        } else {
          w.update(next);
        }
      }
      AccountFunction.req(behind).update(queue.subList(i, queue.size()));
    }
  }

  private Linking pair(String account, Linking l, List<Reply> mine) {
    mine.sort(Comparator.comparingInt(Reply::q));
    Map<Long, Integer> established = new HashMap<>();
    List<List<EvidenceValue.Holder>> candidates = new ArrayList<>();
    List<Linking.Label> labels = new ArrayList<>();
    for (Reply r : mine) {
      established.put(r.key(), r.established());
      if (r.isNew()) {
        candidates.add(r.candidates());
      }
      String label = r.newLabel();
      if (label != null) {
        labels.add(new Linking.Label(r.key(), label));
      }
    }
    AccountEvidence ev = AccountFunction.req(l.evidence());
    List<AccountEvidence.Link> links =
        ev.links(
            account,
            candidates,
            k -> AccountEvidence.rarity(established.getOrDefault(k, 0)),
            linking);
    return l.withFound(links, labels);
  }
}
