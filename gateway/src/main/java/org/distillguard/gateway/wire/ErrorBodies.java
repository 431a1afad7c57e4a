package org.distillguard.gateway.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Error bodies in the format of the API that was called, as the providers send them: OpenAI's
 * {@code {"error":{"message","type","param","code"}}} and Anthropic's {@code
 * {"type":"error","error":{"type","message"}}}. Never a stack trace.
 */
public final class ErrorBodies {
  private static final JsonFactory JSON = new JsonFactory();

  private ErrorBodies() {}

  /** The error body for {@code status} in {@code api}'s format. */
  public static String body(Api api, int status, String message, @Nullable String code) {
    StringWriter sw = new StringWriter(160);
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      if (api == Api.ANTHROPIC) {
        g.writeStringField("type", "error");
        g.writeObjectFieldStart("error");
        g.writeStringField("type", anthropicType(status));
        g.writeStringField("message", message);
        g.writeEndObject();
      } else {
        g.writeObjectFieldStart("error");
        g.writeStringField("message", message);
        g.writeStringField("type", openAiType(status));
        g.writeNullField("param");
        if (code == null) {
          g.writeNullField("code");
        } else {
          g.writeStringField("code", code);
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  static String openAiType(int status) {
    return switch (status) {
      case 400, 404, 413 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  static String anthropicType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
