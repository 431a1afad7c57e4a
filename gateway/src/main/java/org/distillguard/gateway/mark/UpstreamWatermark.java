package org.distillguard.gateway.mark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.distillguard.gateway.wire.Endpoint;

/**
 * The inference server's own token-level watermark, forced on in the forwarded request of a marked
 * account, with the client's opt-out stripped. Parameter names as the servers document them
 * (docs/WATERMARK.md, "Inference-server watermark"):
 *
 * <ul>
 *   <li>vLLM: the top-level request field {@code watermarking} (omitted or {@code true}: watermark
 *       when the engine runs with {@code --watermark-config}; {@code false}: opt out); set to
 *       {@code true};
 *   <li>SGLang: the per-request {@code watermark} object, whose {@code enabled} field turns it on
 *       or off (off by default); replaced by {@code {"enabled": true}}, so a client's other
 *       settings in it are dropped too;
 *   <li>TensorRT-LLM: its watermark is configured for the whole engine ({@code WatermarkConfig} at
 *       start); no per-request switch is documented, so nothing is forced or stripped.
 * </ul>
 */
public enum UpstreamWatermark {
  NONE,
  VLLM,
  SGLANG,
  TENSORRT_LLM;

  /** Parses the config value ({@code vllm}, {@code sglang}, {@code tensorrt-llm}, {@code none}). */
  public static UpstreamWatermark of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** The config value. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Forces the switch on in a request body of an OpenAI-compatible text endpoint; returns whether
   * the body changed.
   */
  public boolean force(Endpoint endpoint, ObjectNode body) {
    if (endpoint != Endpoint.CHAT_COMPLETIONS
        && endpoint != Endpoint.COMPLETIONS
        && endpoint != Endpoint.RESPONSES) {
      return false;
    }
    switch (this) {
      case VLLM -> {
        JsonNode v = body.get("watermarking");
        if (v != null && v.isBoolean() && v.asBoolean()) {
          return false;
        }
        body.put("watermarking", true);
        return true;
      }
      case SGLANG -> {
        JsonNode v = body.get("watermark");
        if (v instanceof ObjectNode o
            && o.size() == 1
            && o.path("enabled").isBoolean()
            && o.path("enabled").asBoolean()) {
          return false;
        }
        body.putObject("watermark").put("enabled", true);
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
