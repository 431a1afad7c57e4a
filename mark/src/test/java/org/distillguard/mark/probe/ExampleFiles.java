package org.distillguard.mark.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MasterKey;
import org.distillguard.mark.SampleText;
import org.distillguard.mark.canary.Canaries;
import org.distillguard.mark.canary.CanaryLedger;
import org.distillguard.mark.canary.Serving;

/**
 * Writes examples/probe (see examples/README.md): run with the folder as its argument after a
 * dictionary change.
 */
public final class ExampleFiles {
  private ExampleFiles() {}

  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    String hex = "64697374696c6c67756172642d6578616d706c652d6e6f742d612d7365637265";
    Files.writeString(dir.resolve("master.hex"), hex + "\n");
    MasterKey master = MasterKey.fromHex(hex);
    Marker m = Marker.of(master.campaign("c-17"));
    ObjectMapper json = new ObjectMapper();
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (String t : SampleText.paragraphs(120, 2026)) {
      ObjectNode n = json.createObjectNode();
      n.put("id", "s-" + i++);
      n.put("output", m.mark("", t));
      b.append(json.writeValueAsString(n)).append('\n');
    }
    Canaries.Served served =
        Canaries.serve(
            master.campaign("c-17"),
            "acct-4411",
            "Give me an example order ID for my test shop",
            java.time.Instant.parse("2026-11-20T09:15:00Z"));
    ObjectNode n = json.createObjectNode();
    n.put("id", "s-canary");
    n.put("prompt", "Show me what an order confirmation looks like.");
    n.put(
        "output",
        "Thanks for your purchase! Your order "
            + served.canary().value()
            + " will ship within two days.");
    b.append(json.writeValueAsString(n)).append('\n');
    Files.writeString(dir.resolve("suspect.jsonl"), b);
    List<Serving> l = new ArrayList<>();
    l.add(served.serving());
    for (int k = 0; k < 40; k++) {
      l.add(
          Canaries.serve(
                  master.account("acct-" + (5000 + k)),
                  "acct-" + (5000 + k),
                  "prompt " + k,
                  java.time.Instant.parse("2026-11-21T10:00:00Z").plusSeconds(k * 60))
              .serving());
    }
    Files.deleteIfExists(dir.resolve("ledger.jsonl"));
    CanaryLedger.append(dir.resolve("ledger.jsonl"), l);
  }
}
