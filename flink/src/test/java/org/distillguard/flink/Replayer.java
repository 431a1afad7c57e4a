package org.distillguard.flink;

import java.util.List;
import org.distillguard.gateway.kafka.LogReplayer;

/**
 * The tests' short name for {@link LogReplayer}, which replays log files into the exchange topic.
 * It lives in the gateway module (shared by {@code distillguard replay}, the gateways and these
 * tests) so that the job jar needs no copy of it.
 */
final class Replayer {
  private Replayer() {}

  /** What a replay did. */
  record Result(long sent, long skipped) {}

  static Result replay(String bootstrap, String topic, List<String> files) throws Exception {
    LogReplayer.Result r = LogReplayer.replay(bootstrap, topic, files);
    return new Result(r.sent(), r.skipped());
  }
}
