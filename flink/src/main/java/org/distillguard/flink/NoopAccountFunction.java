package org.distillguard.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.MalformedExchangeException;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark floors ({@code --detector noop} and {@code parse}): the same source, keying, keyed
 * state round trip per record and exactly-once sink as the real job, but a counter instead of the
 * detector (no parsing, no text analysis, no linking). Writes a line on an account's first request
 * and every {@code every} requests, about as often as the real job writes verdict lines.
 */
final class NoopAccountFunction
    extends KeyedProcessFunction<String, Tuple2<String, byte[]>, Tuple2<String, String>> {
  private static final long serialVersionUID = 1L;
  private final int every;
  private final boolean parse;
  private transient @Nullable ValueState<Long> count;
  private transient @Nullable ExchangeParser parser;

  /**
   * @param parse parse each exchange with the core parser first (the floor plus JSON parsing)
   */
  NoopAccountFunction(int every, boolean parse) {
    this.every = every;
    this.parse = parse;
  }

  @Override
  public void open(OpenContext context) {
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    parser = new ExchangeParser();
  }

  @Override
  public void processElement(
      Tuple2<String, byte[]> record, Context ctx, Collector<Tuple2<String, String>> out)
      throws Exception {
    if (parse) {
      try {
        AccountFunction.req(parser).parse(record.f1, 0, record.f1.length);
      } catch (MalformedExchangeException e) {
        return;
      }
    }
    ValueState<Long> c = AccountFunction.req(count);
    Long n = c.value();
    long next = n == null ? 1 : n + 1;
    c.update(next);
    if (next == 1 || next % every == 0) {
      out.collect(
          Tuple2.of(record.f0, "{\"account\":\"" + record.f0 + "\",\"requests\":" + next + "}"));
    }
  }
}
