package org.distillguard.gateway.intel;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sanitize.TemplateMatcher;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.jspecify.annotations.Nullable;

/**
 * What the request path reads: one {@link IndicatorMatcher} snapshot and, if it holds template
 * sketches under this member's consortium key, the {@link TemplateMatcher} built from them. Built
 * off the request path whenever the feed swaps in a new matcher; immutable.
 *
 * @param templateIndicators the indicator behind each template of {@code templates}, by index
 */
public record IntelSnapshot(
    IndicatorMatcher matcher,
    @Nullable TemplateMatcher templates,
    List<ActiveIndicator> templateIndicators) {

  public IntelSnapshot {
    templateIndicators = List.copyOf(templateIndicators);
  }

  /** A snapshot of nothing: every request passes unchanged. */
  public static final IntelSnapshot EMPTY =
      new IntelSnapshot(IndicatorMatcher.of(List.of()), null, List.of());

  /**
   * Builds the snapshot for a matcher; {@code sketcher} null turns template matching off. Sketches
   * under another consortium key can never match and are left out.
   */
  public static IntelSnapshot of(IndicatorMatcher m, @Nullable PromptSketcher sketcher) {
    if (sketcher == null || m.templates().isEmpty()) {
      return new IntelSnapshot(m, null, List.of());
    }
    List<int[]> minima = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<ActiveIndicator> behind = new ArrayList<>();
    for (ActiveIndicator a : m.templates()) {
      if (a.match() instanceof Match.Template t && t.keyId().equals(sketcher.keyId())) {
        minima.add(TemplateSketch.parseHex(t.minhashHex()));
        sizes.add(t.shingles());
        behind.add(a);
      }
    }
    return behind.isEmpty()
        ? new IntelSnapshot(m, null, List.of())
        : new IntelSnapshot(m, new TemplateMatcher(sketcher, minima, sizes), behind);
  }

  /** Whether nothing can match (the request path returns at once). */
  public boolean empty() {
    return matcher.indicators().isEmpty();
  }
}
