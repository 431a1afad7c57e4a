package org.distillguard.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.distillguard.core.detect.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark floors: the job with the detector call replaced by a no-op.
 *
 * <p>{@code --detector noop} ({@link NoopAccountFunction#NoopAccountFunction(int)}, input {@link
 * Observation}): what the real per-account stage gets — exchanges parsed by the core parser into
 * observations at the source, shuffled by account — with keyed state per account (a request
 * counter) and a line to an exactly-once Kafka sink on an account's first request and every {@code
 * every} requests, about as often as the real job writes verdict lines. It leaves out exactly the
 * detector: text analysis, the account update and campaign linking.
 *
 * <p>{@code --detector bare} ({@link Bare}): the same without parsing (raw records keyed by their
 * Kafka key): the framework alone, for reference.
 */
final class NoopAccountFunction
    extends KeyedProcessFunction<String, Observation, Tuple2<String, String>> {
  private static final long serialVersionUID = 1L;
  private final int every;
  private transient @Nullable ValueState<Long> count;

  NoopAccountFunction(int every) {
    this.every = every;
  }

  @Override
  public void open(OpenContext context) {
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
  }

  @Override
  public void processElement(Observation o, Context ctx, Collector<Tuple2<String, String>> out)
      throws Exception {
    count(AccountFunction.req(count), o.account(), every, out);
  }

  static void count(
      ValueState<Long> c, String account, int every, Collector<Tuple2<String, String>> out)
      throws Exception {
    Long n = c.value();
    long next = n == null ? 1 : n + 1;
    c.update(next);
    if (next == 1 || next % every == 0) {
      out.collect(
          Tuple2.of(account, "{\"account\":\"" + account + "\",\"requests\":" + next + "}"));
    }
  }

  /** The {@code bare} floor: a keyed counter over unparsed records. */
  static final class Bare
      extends KeyedProcessFunction<String, Tuple2<String, byte[]>, Tuple2<String, String>> {
    private static final long serialVersionUID = 1L;
    private final int every;
    private transient @Nullable ValueState<Long> count;

    Bare(int every) {
      this.every = every;
    }

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(
        Tuple2<String, byte[]> record, Context ctx, Collector<Tuple2<String, String>> out)
        throws Exception {
      count(AccountFunction.req(count), record.f0, every, out);
    }
  }
}
