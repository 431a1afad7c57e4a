package org.distillguard.mark.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Queries an OpenAI-compatible endpoint ({@code POST {base}/chat/completions}) with a prompt set,
 * at a bounded rate, appending each answer to a progress file (JSON Lines in the format {@link
 * SuspectOutputs} reads). A run that stops (error, Ctrl-C, quota) resumes where it was: prompts
 * whose id is already in the progress file are not asked again.
 */
public final class EndpointProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sleeps for a number of milliseconds; tests pass a no-op. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /**
   * Options of a run.
   *
   * @param baseUrl e.g. {@code http://127.0.0.1:8000/v1}
   * @param model the model name to send
   * @param apiKey bearer token, or null
   * @param requestsPerSecond upper bound on the request rate (> 0)
   * @param maxTokens max_tokens of each request
   * @param temperature sampling temperature
   */
  public record Options(
      URI baseUrl,
      String model,
      @Nullable String apiKey,
      double requestsPerSecond,
      int maxTokens,
      double temperature) {}

  private final Options options;
  private final HttpClient client;
  private final Sleeper sleeper;

  public EndpointProbe(Options options, HttpClient client, Sleeper sleeper) {
    if (!(options.requestsPerSecond() > 0)) {
      throw new IllegalArgumentException("requests per second must be > 0");
    }
    this.options = options;
    this.client = client;
    this.sleeper = sleeper;
  }

  /**
   * Asks every prompt not yet in {@code progress}, appending answers to it, and returns all answers
   * (earlier runs' included), in prompt order. {@code onDone} is told how many are done.
   */
  public List<SuspectOutput> run(List<SuspectOutput> prompts, Path progress, IntConsumer onDone)
      throws IOException, InterruptedException {
    Map<String, SuspectOutput> done = new HashMap<>();
    if (Files.exists(progress)) {
      for (SuspectOutput o : SuspectOutputs.read(progress)) {
        done.put(o.id(), o);
      }
    }
    long interval = (long) Math.ceil(1000.0 / options.requestsPerSecond());
    long last = Long.MIN_VALUE;
    int count = done.size();
    try (BufferedWriter w =
        Files.newBufferedWriter(
            progress,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      for (SuspectOutput p : prompts) {
        if (done.containsKey(p.id())) {
          continue;
        }
        long now = System.nanoTime() / 1_000_000;
        if (last != Long.MIN_VALUE && now - last < interval) {
          sleeper.sleep(interval - (now - last));
        }
        last = System.nanoTime() / 1_000_000;
        String answer = ask(p.prompt());
        SuspectOutput o = new SuspectOutput(p.id(), p.prompt(), answer);
        ObjectNode n = JSON.createObjectNode();
        n.put("id", o.id());
        n.put("prompt", o.prompt());
        n.put("output", o.output());
        w.write(JSON.writeValueAsString(n));
        w.write('\n');
        w.flush();
        done.put(o.id(), o);
        onDone.accept(++count);
      }
    }
    List<SuspectOutput> out = new ArrayList<>();
    for (SuspectOutput p : prompts) {
      SuspectOutput o = done.get(p.id());
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  private String ask(String prompt) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", options.model());
    body.put("max_tokens", options.maxTokens());
    body.put("temperature", options.temperature());
    ObjectNode msg = body.putArray("messages").addObject();
    msg.put("role", "user");
    msg.put("content", prompt);
    String base = options.baseUrl().toString();
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(
                URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions"))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    String key = options.apiKey();
    if (key != null) {
      rb.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("endpoint answered HTTP " + r.statusCode());
    }
    JsonNode content =
        JSON.readTree(r.body()).path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new IOException("endpoint answer has no choices[0].message.content");
    }
    return content.asText();
  }
}
