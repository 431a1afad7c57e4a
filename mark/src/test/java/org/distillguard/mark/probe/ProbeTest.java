package org.distillguard.mark.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MarkerTest;
import org.distillguard.mark.SampleText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTest {
  private static List<MarkKey> decoys(int n) {
    List<MarkKey> d = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      d.add(MarkerTest.MASTER.decoy(i));
    }
    return d;
  }

  @Test
  void detectsMarkedOutputsAndWritesAReportACounselCanRead() throws Exception {
    MarkKey key = MarkerTest.MASTER.campaign("c-9");
    Marker m = Marker.of(key);
    List<SuspectOutput> outs = new ArrayList<>();
    int i = 0;
    for (String t : SampleText.paragraphs(150, 21)) {
      outs.add(new SuspectOutput("o" + i++, "", m.mark("", t)));
    }
    Probe.Result r =
        Probe.run(
            "test <outputs>", outs, List.of(MarkerTest.MASTER.member("m"), key), decoys(50), null);
    assertThat(r.detected()).isTrue();
    StringWriter html = new StringWriter();
    ProbeReport.write(r, "distillguard test", html);
    assertThat(html.toString())
        .contains(
            "Watermark detected", "campaign:c-9", "What this proves and what it does not", "<svg")
        .contains("test &lt;outputs&gt;")
        .doesNotContain("http://", "https://", "<script", "<link");
    StringWriter json = new StringWriter();
    Probe.writeJson(r, json);
    assertThat(json.toString()).contains("\"detected\" : true", "\"keys_tested\" : 2");
  }

  @Test
  void pointsOutTextRewrittenAgainstAKey() throws Exception {
    MarkKey key = MarkerTest.MASTER.campaign("c-9");
    List<SuspectOutput> outs = new ArrayList<>();
    int i = 0;
    for (String t : SampleText.paragraphs(150, 23)) {
      outs.add(new SuspectOutput("o" + i++, "", org.distillguard.mark.Attacks.invert(t, key)));
    }
    Probe.Result r = Probe.run("x", outs, List.of(key), decoys(20), null);
    assertThat(r.detected()).isFalse();
    assertThat(r.watermark().keys().get(0).log10LowerTail()).isLessThan(-6);
    StringWriter html = new StringWriter();
    ProbeReport.write(r, "t", html);
    assertThat(html.toString()).contains("agrees far <em>less</em> often than chance");
  }

  @Test
  void doesNotDetectUnmarkedOutputs() {
    List<SuspectOutput> outs = new ArrayList<>();
    int i = 0;
    for (String t : SampleText.paragraphs(150, 22)) {
      outs.add(new SuspectOutput("o" + i++, "", t));
    }
    Probe.Result r = Probe.run("x", outs, List.of(MarkerTest.MASTER.member("m")), decoys(50), null);
    assertThat(r.detected()).isFalse();
    assertThat(r.watermark().calibration().passed()).isTrue();
  }

  @Test
  void queriesAnEndpointAtABoundedRateAndResumes(@TempDir Path dir) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        ex -> {
          int n = calls.incrementAndGet();
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          boolean ok = body.contains("\"messages\"") && n != 3;
          byte[] out =
              ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"answer "
                      + n
                      + "\"}}]}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ok ? 200 : 500, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
      List<SuspectOutput> prompts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        prompts.add(new SuspectOutput("p" + i, "prompt " + i, ""));
      }
      List<Long> sleeps = new ArrayList<>();
      EndpointProbe probe =
          new EndpointProbe(
              new EndpointProbe.Options(base, "suspect", "k", 5, 64, 0.7),
              HttpClient.newHttpClient(),
              sleeps::add);
      Path progress = dir.resolve("outputs.jsonl");
      try {
        probe.run(prompts, progress, n -> {});
      } catch (java.io.IOException e) {
        assertThat(e).hasMessageContaining("HTTP 500");
      }
      assertThat(SuspectOutputs.read(progress)).hasSize(2);
      assertThat(sleeps).isNotEmpty().allSatisfy(s -> assertThat(s).isBetween(0L, 200L));
      List<SuspectOutput> all = probe.run(prompts, progress, n -> {});
      assertThat(all).extracting(SuspectOutput::id).containsExactly("p0", "p1", "p2", "p3", "p4");
      assertThat(calls.get()).isEqualTo(6); // 2 + the failed one + 3 on resume
      assertThat(Files.readAllLines(progress)).hasSize(5);
    } finally {
      server.stop(0);
    }
  }
}
