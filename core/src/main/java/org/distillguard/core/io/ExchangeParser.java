package org.distillguard.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.distillguard.core.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Parses one line of the exchange log (Contract 1) into an {@link Exchange}.
 *
 * <p>Uses Jackson's streaming parser directly, not data binding: it is several times faster, and it
 * lets every error name the field at fault. Unknown fields are skipped whatever their shape.
 * Message {@code content} given as an array of parts (the OpenAI multi-part form) is read as the
 * concatenation of its text parts. Thread-safe: one instance serves every thread.
 */
public final class ExchangeParser {
  private final JsonFactory factory;

  public ExchangeParser() {
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength(LineSource.DEFAULT_MAX_LINE_BYTES)
                    .maxNestingDepth(64)
                    .build())
            .build();
  }

  /** Parses a line given as UTF-8 bytes. */
  public Exchange parse(byte[] utf8, int offset, int length) throws MalformedExchangeException {
    try (JsonParser p = factory.createParser(utf8, offset, length)) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw new MalformedExchangeException("invalid JSON: " + describe(e));
    } catch (IOException e) {
      throw new MalformedExchangeException("unreadable: " + e.getMessage());
    }
  }

  /** Parses a line given as text. */
  public Exchange parse(String line) throws MalformedExchangeException {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  private static Exchange read(JsonParser p) throws IOException, MalformedExchangeException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new MalformedExchangeException("empty line");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new MalformedExchangeException("expected a JSON object, got " + kind(first));
    }
    String id = null;
    String timeText = null;
    String account = null;
    String org = null;
    String apiKey = null;
    String ip = null;
    String userAgent = null;
    String endpoint = null;
    String model = null;
    Params params = Params.NONE;
    List<Message> messages = null;
    String conversation = null;
    Usage usage = Usage.NONE;
    String output = null;
    int status = 0;
    AccountMeta meta = AccountMeta.NONE;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id" -> id = requiredString(p, v, field);
        case "time" -> timeText = requiredString(p, v, field);
        case "account" -> account = requiredString(p, v, field);
        case "org" -> org = optionalString(p, v, field);
        case "api_key" -> apiKey = optionalString(p, v, field);
        case "ip" -> ip = optionalString(p, v, field);
        case "user_agent" -> userAgent = optionalString(p, v, field);
        case "endpoint" -> endpoint = optionalString(p, v, field);
        case "model" -> model = optionalString(p, v, field);
        case "conversation" -> conversation = optionalString(p, v, field);
        case "output" -> output = optionalString(p, v, field);
        case "status" -> status = optionalInt(p, v, field, 0);
        case "params" -> params = readParams(p, v);
        case "messages" -> messages = readMessages(p, v);
        case "usage" -> usage = readUsage(p, v);
        case "account_meta" -> meta = readMeta(p, v);
        default -> p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new MalformedExchangeException("invalid JSON: unexpected " + kind(t));
    }
    if (p.nextToken() != null) {
      throw new MalformedExchangeException("trailing content after the JSON object");
    }
    if (id == null) {
      throw missing("id");
    }
    if (timeText == null) {
      throw missing("time");
    }
    if (account == null) {
      throw missing("account");
    }
    if (messages == null) {
      throw missing("messages");
    }
    if (account.isEmpty()) {
      throw new MalformedExchangeException("field 'account': must not be empty");
    }
    long time;
    try {
      time = Rfc3339.parseMillis(timeText);
    } catch (IllegalArgumentException e) {
      throw new MalformedExchangeException("field 'time': " + e.getMessage());
    }
    return new Exchange(
        id,
        time,
        account,
        org,
        apiKey,
        ip,
        userAgent,
        endpoint,
        model,
        params,
        messages,
        conversation,
        usage,
        output,
        status,
        meta);
  }

  private static List<Message> readMessages(JsonParser p, JsonToken v)
      throws IOException, MalformedExchangeException {
    if (v != JsonToken.START_ARRAY) {
      throw wrongType("messages", "an array", v);
    }
    List<Message> out = new ArrayList<>(4);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw wrongType("messages[" + out.size() + "]", "an object", t);
      }
      String role = null;
      String content = "";
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken fv = p.nextToken();
        switch (field) {
          case "role" -> role = requiredString(p, fv, "messages[" + out.size() + "].role");
          case "content" -> content = readContent(p, fv, out.size());
          default -> p.skipChildren();
        }
      }
      if (role == null) {
        throw missing("messages[" + out.size() + "].role");
      }
      out.add(new Message(role, content));
    }
    return out;
  }

  private static String readContent(JsonParser p, JsonToken v, int index)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    if (v != JsonToken.START_ARRAY) {
      throw wrongType("messages[" + index + "].content", "a string", v);
    }
    // Multi-part content: keep the text parts, in order, separated by newlines.
    StringBuilder sb = new StringBuilder();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        append(sb, p.getText());
      } else if (t == JsonToken.START_OBJECT) {
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken fv = p.nextToken();
          if ("text".equals(field) && fv == JsonToken.VALUE_STRING) {
            append(sb, p.getText());
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String part) {
    if (sb.length() > 0) {
      sb.append('\n');
    }
    sb.append(part);
  }

  private static Params readParams(JsonParser p, JsonToken v)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return Params.NONE;
    }
    if (v != JsonToken.START_OBJECT) {
      throw wrongType("params", "an object", v);
    }
    Integer maxTokens = null;
    Double temperature = null;
    Double topP = null;
    Integer n = null;
    Boolean logprobs = null;
    Integer topLogprobs = null;
    Boolean stream = null;
    String effort = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken fv = p.nextToken();
      switch (field) {
        case "max_tokens", "max_completion_tokens", "max_output_tokens" ->
            maxTokens = boxedInt(p, fv, "params." + field);
        case "temperature" -> temperature = boxedDouble(p, fv, "params.temperature");
        case "top_p" -> topP = boxedDouble(p, fv, "params.top_p");
        case "n" -> n = boxedInt(p, fv, "params.n");
        case "logprobs" -> logprobs = boxedBool(p, fv, "params.logprobs");
        case "top_logprobs" -> topLogprobs = boxedInt(p, fv, "params.top_logprobs");
        case "stream" -> stream = boxedBool(p, fv, "params.stream");
        case "reasoning_effort" -> effort = optionalString(p, fv, "params.reasoning_effort");
        default -> p.skipChildren();
      }
    }
    return new Params(maxTokens, temperature, topP, n, logprobs, topLogprobs, stream, effort);
  }

  private static Usage readUsage(JsonParser p, JsonToken v)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return Usage.NONE;
    }
    if (v != JsonToken.START_OBJECT) {
      throw wrongType("usage", "an object", v);
    }
    long in = Usage.UNKNOWN;
    long out = Usage.UNKNOWN;
    long reasoning = Usage.UNKNOWN;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken fv = p.nextToken();
      switch (field) {
        case "input_tokens", "prompt_tokens" -> in = optionalLong(p, fv, "usage." + field);
        case "output_tokens", "completion_tokens" -> out = optionalLong(p, fv, "usage." + field);
        case "reasoning_tokens" -> reasoning = optionalLong(p, fv, "usage.reasoning_tokens");
        default -> p.skipChildren();
      }
    }
    return new Usage(in, out, reasoning);
  }

  private static AccountMeta readMeta(JsonParser p, JsonToken v)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return AccountMeta.NONE;
    }
    if (v != JsonToken.START_OBJECT) {
      throw wrongType("account_meta", "an object", v);
    }
    long created = Exchange.NO_TIME;
    String payment = null;
    String email = null;
    String tier = null;
    String country = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken fv = p.nextToken();
      switch (field) {
        case "created" -> {
          String s = optionalString(p, fv, "account_meta.created");
          if (s != null) {
            try {
              created = Rfc3339.parseMillis(s);
            } catch (IllegalArgumentException e) {
              throw new MalformedExchangeException(
                  "field 'account_meta.created': " + e.getMessage());
            }
          }
        }
        case "payment_fp" -> payment = optionalString(p, fv, "account_meta.payment_fp");
        case "email_domain" -> email = optionalString(p, fv, "account_meta.email_domain");
        case "tier" -> tier = optionalString(p, fv, "account_meta.tier");
        case "country" -> country = optionalString(p, fv, "account_meta.country");
        default -> p.skipChildren();
      }
    }
    return new AccountMeta(created, payment, email, tier, country);
  }

  private static String requiredString(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", v);
    }
    return p.getText();
  }

  private static @Nullable String optionalString(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    return requiredString(p, v, field);
  }

  private static int optionalInt(JsonParser p, JsonToken v, String field, int absent)
      throws IOException, MalformedExchangeException {
    Integer i = boxedInt(p, v, field);
    return i == null ? absent : i;
  }

  private static @Nullable Integer boxedInt(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(field, "an integer", v);
    }
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new MalformedExchangeException("field '" + field + "': integer out of range");
    }
    return p.getIntValue();
  }

  private static long optionalLong(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return Usage.UNKNOWN;
    }
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(field, "an integer", v);
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new MalformedExchangeException("field '" + field + "': integer out of range");
    }
    long value = p.getLongValue();
    if (value < 0) {
      throw new MalformedExchangeException("field '" + field + "': must not be negative");
    }
    return value;
  }

  private static @Nullable Double boxedDouble(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
      throw wrongType(field, "a number", v);
    }
    return p.getDoubleValue();
  }

  private static @Nullable Boolean boxedBool(JsonParser p, JsonToken v, String field)
      throws IOException, MalformedExchangeException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (v == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    throw wrongType(field, "true or false", v);
  }

  private static MalformedExchangeException missing(String field) {
    return new MalformedExchangeException("missing required field '" + field + "'");
  }

  private static MalformedExchangeException wrongType(
      String field, String expected, @Nullable JsonToken got) {
    return new MalformedExchangeException(
        "field '" + field + "': expected " + expected + ", got " + kind(got));
  }

  private static String kind(@Nullable JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  /** Jackson's message without its source-excerpt noise, with the column. */
  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null) {
      msg = "malformed";
    }
    int nl = msg.indexOf('\n');
    if (nl > 0) {
      msg = msg.substring(0, nl);
    }
    if (msg.length() > 160) {
      msg = msg.substring(0, 157) + "...";
    }
    var loc = e.getLocation();
    return loc == null ? msg : msg + " (column " + loc.getColumnNr() + ")";
  }
}
