package org.distillguard.intel.stix;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The canonical byte form of a JSON value that DistillGuard signs: the JSON Canonicalization Scheme
 * (RFC 8785, "JCS") restricted to integers.
 *
 * <ul>
 *   <li>no whitespace; object members sorted by their names compared as UTF-16 code units;
 *   <li>strings escaped as JCS does: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other
 *       characters below U+0020 as {@code \}{@code u00xx} (lower-case hex), everything else
 *       literal, encoded as UTF-8;
 *   <li>numbers must be integers with magnitude below 2<sup>53</sup> (written without exponent or
 *       fraction); any other number makes the value non-canonical and is rejected, because
 *       floating-point formatting is where JCS implementations disagree. DistillGuard's own fields
 *       carry fractions as fixed-point integers (per-mille).
 * </ul>
 */
public final class Canonical {
  private static final long MAX_SAFE = (1L << 53) - 1;

  private Canonical() {}

  /** Thrown for values that have no canonical form here (non-integer or huge numbers). */
  public static final class NotCanonicalException extends Exception {
    private static final long serialVersionUID = 1L;

    NotCanonicalException(String message) {
      super(message);
    }
  }

  public static byte[] bytes(JsonNode node) throws NotCanonicalException {
    StringBuilder sb = new StringBuilder(1024);
    write(node, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static String string(JsonNode node) throws NotCanonicalException {
    StringBuilder sb = new StringBuilder(1024);
    write(node, sb);
    return sb.toString();
  }

  private static void write(JsonNode n, StringBuilder sb) throws NotCanonicalException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(n.properties());
        fields.sort(Map.Entry.comparingByKey());
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : fields) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          string(e.getKey(), sb);
          sb.append(':');
          write(e.getValue(), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(n.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> string(n.textValue(), sb);
      case NUMBER -> {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
          throw new NotCanonicalException("non-integer number " + n.asText());
        }
        long v = n.longValue();
        if (v > MAX_SAFE || v < -MAX_SAFE) {
          throw new NotCanonicalException("integer beyond 2^53: " + v);
        }
        sb.append(v);
      }
      case BOOLEAN -> sb.append(n.booleanValue());
      case NULL -> sb.append("null");
      default -> throw new NotCanonicalException("unsupported JSON node " + n.getNodeType());
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00")
                .append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 15, 16));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Convenience for callers that build their own content: {@code bytes} or an unchecked error. */
  public static byte[] bytesOrThrow(JsonNode node) {
    try {
      return bytes(node);
    } catch (NotCanonicalException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The canonical form as text, for golden tests and debugging. */
  public static String text(JsonNode node) {
    return new String(bytesOrThrow(node), StandardCharsets.UTF_8);
  }
}
