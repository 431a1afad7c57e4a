package org.distillguard.intel.pattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ParseTreeWalker;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.jspecify.annotations.Nullable;

/**
 * STIX 2.1 patterns: checked against the OASIS grammar ({@code STIXPattern.g4}, compiled by ANTLR
 * into this package), and reduced to what DistillGuard can enforce in the request path.
 *
 * <p>Enforceable: a single observation whose comparisons are joined by {@code AND} and are all
 * {@code =} or {@code ISSUBSET} on one object type, namely {@code ipv4-addr:value} / {@code
 * ipv6-addr:value} (an address or a CIDR block), or {@code distillguard-fingerprint:kind} together
 * with {@code distillguard-fingerprint:value}. Any other valid pattern is kept for watching only.
 */
public final class StixPatterns {
  /** Longest pattern parsed; longer ones are rejected without parsing (network input). */
  public static final int MAX_LENGTH = 8_192;

  private StixPatterns() {}

  /** What an enforceable pattern matches. */
  public sealed interface Match {
    /** An IPv4 or IPv6 address or block, in CIDR notation (or a plain address). */
    record IpBlock(String cidr) implements Match {}

    /** A keyed fingerprint of the given kind (see {@code Fingerprints.Kind#wire}). */
    record Fingerprint(String kind, String value) implements Match {}

    /**
     * Not from a pattern: a campaign's keyed template sketch (DistillGuard extension), matched
     * against the prompts of live requests.
     *
     * @param keyId the consortium key the sketch was computed under
     * @param minhashHex the 64 minima, 512 hex digits
     * @param shingles how many template shingles the sketch summarises
     */
    record Template(String keyId, String minhashHex, int shingles) implements Match {}
  }

  /** Parse result: an error message, or the comparisons of a valid pattern. */
  public record Parsed(@Nullable String error, @Nullable Match match) {
    public boolean valid() {
      return error == null;
    }
  }

  /** The error of an invalid pattern, or empty for a valid one. */
  public static Optional<String> validate(String pattern) {
    return Optional.ofNullable(parse(pattern).error());
  }

  /** Parses and, if valid, reduces to an enforceable {@link Match} (null if not enforceable). */
  public static Parsed parse(String pattern) {
    if (pattern.length() > MAX_LENGTH) {
      return new Parsed("pattern longer than " + MAX_LENGTH + " characters", null);
    }
    BaseErrorListener fail =
        new BaseErrorListener() {
          @Override
          public void syntaxError(
              Recognizer<?, ?> recognizer,
              @Nullable Object offendingSymbol,
              int line,
              int col,
              String msg,
              @Nullable RecognitionException e) {
            throw new ParseCancellationException("column " + (col + 1) + ": " + msg);
          }
        };
    STIXPatternParser.PatternContext tree;
    try {
      STIXPatternLexer lexer = new STIXPatternLexer(CharStreams.fromString(pattern));
      lexer.removeErrorListeners();
      lexer.addErrorListener(fail);
      STIXPatternParser parser = new STIXPatternParser(new CommonTokenStream(lexer));
      parser.removeErrorListeners();
      parser.addErrorListener(fail);
      tree = parser.pattern();
    } catch (ParseCancellationException e) {
      return new Parsed("invalid STIX pattern: " + e.getMessage(), null);
    } catch (RuntimeException | StackOverflowError e) {
      return new Parsed("invalid STIX pattern: " + e.getClass().getSimpleName(), null);
    }
    Reducer r = new Reducer();
    ParseTreeWalker.DEFAULT.walk(r, tree);
    return new Parsed(null, r.match());
  }

  /** Collects the comparisons, noting anything that makes a pattern non-enforceable. */
  private static final class Reducer extends STIXPatternBaseListener {
    private boolean complex;
    private final List<String[]> tests = new ArrayList<>();

    @Override
    public void enterObservationExpressions(STIXPatternParser.ObservationExpressionsContext ctx) {
      complex |= ctx.FOLLOWEDBY() != null;
    }

    @Override
    public void enterObservationExpressionOr(STIXPatternParser.ObservationExpressionOrContext ctx) {
      complex |= ctx.OR() != null;
    }

    @Override
    public void enterObservationExpressionAnd(
        STIXPatternParser.ObservationExpressionAndContext ctx) {
      complex |= ctx.AND() != null;
    }

    @Override
    public void enterObservationExpressionStartStop(
        STIXPatternParser.ObservationExpressionStartStopContext ctx) {
      complex = true;
    }

    @Override
    public void enterObservationExpressionWithin(
        STIXPatternParser.ObservationExpressionWithinContext ctx) {
      complex = true;
    }

    @Override
    public void enterObservationExpressionRepeated(
        STIXPatternParser.ObservationExpressionRepeatedContext ctx) {
      complex = true;
    }

    @Override
    public void enterComparisonExpression(STIXPatternParser.ComparisonExpressionContext ctx) {
      complex |= ctx.OR() != null;
    }

    @Override
    public void enterPropTestEqual(STIXPatternParser.PropTestEqualContext ctx) {
      TerminalNode s =
          ctx.primitiveLiteral().orderableLiteral() == null
              ? null
              : ctx.primitiveLiteral().orderableLiteral().StringLiteral();
      if (ctx.NOT() != null || ctx.EQ() == null || s == null) {
        complex = true;
        return;
      }
      tests.add(new String[] {ctx.objectPath().getText(), "=", unquote(s.getText())});
    }

    @Override
    public void enterPropTestIsSubset(STIXPatternParser.PropTestIsSubsetContext ctx) {
      if (ctx.NOT() != null) {
        complex = true;
        return;
      }
      tests.add(
          new String[] {
            ctx.objectPath().getText(), "ISSUBSET", unquote(ctx.StringLiteral().getText())
          });
    }

    @Override
    public void enterPropTestOrder(STIXPatternParser.PropTestOrderContext ctx) {
      complex = true;
    }

    @Override
    public void enterPropTestSet(STIXPatternParser.PropTestSetContext ctx) {
      complex = true;
    }

    @Override
    public void enterPropTestLike(STIXPatternParser.PropTestLikeContext ctx) {
      complex = true;
    }

    @Override
    public void enterPropTestRegex(STIXPatternParser.PropTestRegexContext ctx) {
      complex = true;
    }

    @Override
    public void enterPropTestIsSuperset(STIXPatternParser.PropTestIsSupersetContext ctx) {
      complex = true;
    }

    @Override
    public void enterPropTestExists(STIXPatternParser.PropTestExistsContext ctx) {
      complex = true;
    }

    @Nullable Match match() {
      if (complex || tests.isEmpty()) {
        return null;
      }
      if (tests.size() == 1) {
        String[] t = tests.get(0);
        if (t[0].equals("ipv4-addr:value") || t[0].equals("ipv6-addr:value")) {
          return new Match.IpBlock(t[2]);
        }
        return null;
      }
      if (tests.size() == 2) {
        String kind = null;
        String value = null;
        for (String[] t : tests) {
          if (!t[1].equals("=")) {
            return null;
          }
          switch (t[0]) {
            case "distillguard-fingerprint:kind" -> kind = t[2];
            case "distillguard-fingerprint:value" -> value = t[2];
            default -> {
              return null;
            }
          }
        }
        if (kind != null && value != null) {
          return new Match.Fingerprint(kind, value);
        }
      }
      return null;
    }
  }

  static String unquote(String literal) {
    StringBuilder sb = new StringBuilder(literal.length());
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c == '\\' && i + 1 < literal.length() - 1) {
        c = literal.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
