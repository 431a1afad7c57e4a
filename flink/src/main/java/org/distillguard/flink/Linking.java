package org.distillguard.flink;

import java.util.List;
import org.distillguard.core.link.AccountEvidence;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link Update} carries for linking keyed by evidence: the account's evidence when it
 * changed, how many replies of its evidence values the request waits for ({@link PairFunction}
 * holds it until they are in), and, once they are, the links found and the labels values got.
 *
 * @param evidence the account's evidence after the request ({@link AccountEvidence#linkingCopy})
 *     when it changed, else null
 * @param expect claims and probes sent for the request (0: nothing to wait for)
 */
record Linking(
    @Nullable AccountEvidence evidence,
    int expect,
    List<AccountEvidence.Link> links,
    List<Label> labels) {

  /** Nothing changed, nothing to wait for. */
  static final Linking NONE = new Linking(null, 0, List.of(), List.of());

  Linking {
    links = List.copyOf(links);
    labels = List.copyOf(labels);
  }

  /** The readable label an evidence value got (for campaign indicators). */
  record Label(long key, String label) {}

  Linking withFound(List<AccountEvidence.Link> found, List<Label> named) {
    return new Linking(evidence, 0, found, named);
  }
}
