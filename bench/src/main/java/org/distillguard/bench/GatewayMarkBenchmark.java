package org.distillguard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.mark.AnswerMarking;
import org.distillguard.gateway.mark.Marking;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.store.JdbcStore;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.Json;
import org.distillguard.gateway.wire.ResponseReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What marking adds on the gateway's path per streamed event: the proxy reads each OpenAI chat
 * chunk with {@link ResponseReader} (always), and for a marked account also passes it through
 * {@link AnswerMarking} (parse the event, mark the delta through the marker stream, write the event
 * again). The answer is {@link MarkBenchmark}'s, cut into 4-character deltas, one SSE event each;
 * {@code readerOnly} is the unmarked baseline, the difference is the marking's cost per chunk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GatewayMarkBenchmark {
  static final String PROMPT = "How do I transform a list in Python?";
  static final String REQUEST =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
          + PROMPT
          + "\"}]}";

  private final Path dir;
  private final JdbcStore store;
  private final Marking marking;
  private final byte[][] events;
  private ResponseReader reader;
  private AnswerMarking answer;
  private int next;

  static byte[] event(String delta) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1);
    c.put("model", "m");
    ObjectNode ch = c.putArray("choices").addObject().put("index", 0);
    ch.putObject("delta").put("content", delta);
    ch.putNull("logprobs");
    ch.putNull("finish_reason");
    return ("data: " + Json.string(c) + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  public GatewayMarkBenchmark() {
    try {
      dir = Files.createTempDirectory("dg-markbench");
      store = JdbcStore.open("jdbc:sqlite:" + dir.resolve("b.db"), "", "");
      GatewayConfig c =
          ConfigLoader.parse(
              "upstreams: [{api: openai, url: 'http://127.0.0.1:1'}]\nadmin: {port: -1}\n"
                  + "marking: {mode: suspects, master_key: "
                  + "ab".repeat(32)
                  + "}\n",
              Map.of(),
              dir);
      marking = Objects.requireNonNull(Marking.from(c, store, Clock.systemUTC()));
    } catch (IOException | org.distillguard.gateway.config.ConfigException e) {
      throw new IllegalStateException("benchmark setup: " + e.getMessage(), e);
    }
    List<String> chunks = MarkBenchmark.chunksOf(MarkBenchmark.answer());
    events = new byte[chunks.size()][];
    for (int i = 0; i < events.length; i++) {
      events[i] = event(chunks.get(i));
    }
    reader = new ResponseReader(Endpoint.CHAT_COMPLETIONS, false, false, 0);
    answer = plan();
  }

  private AnswerMarking plan() {
    try {
      ApiRequest ar =
          ApiRequest.of(
              Endpoint.CHAT_COMPLETIONS, Json.parse(REQUEST.getBytes(StandardCharsets.UTF_8)));
      return Objects.requireNonNull(
          marking.plan(
              "acct",
              new Standing("acct", Verdict.SUSPICIOUS, 0.7, "r", null, false),
              Endpoint.CHAT_COMPLETIONS,
              ar));
    } catch (IOException | ApiRequest.Invalid e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh answer each iteration (the marked text of one answer grows as it streams). */
  @Setup(Level.Iteration)
  public void iteration() {
    reader = new ResponseReader(Endpoint.CHAT_COMPLETIONS, false, false, 0);
    answer = plan();
    next = 0;
  }

  @TearDown(Level.Trial)
  public void close() {
    marking.close();
    store.close();
  }

  /** One event read as the proxy always does (the unmarked path). */
  @Benchmark
  public byte[] readerOnly() {
    byte[] e = events[next];
    next = next + 1 == events.length ? 0 : next + 1;
    return reader.streamChunk(e, e.length);
  }

  /** One event read and marked (the marked path). */
  @Benchmark
  public byte[] readerAndMarking() {
    byte[] e = events[next];
    next = next + 1 == events.length ? 0 : next + 1;
    byte[] out = reader.streamChunk(e, e.length);
    return answer.stream(out);
  }
}
