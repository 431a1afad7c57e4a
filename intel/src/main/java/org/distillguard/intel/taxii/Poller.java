package org.distillguard.intel.taxii;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import org.distillguard.intel.IntelConfig.PeerConfig;
import org.distillguard.intel.ingest.Importer;
import org.jspecify.annotations.Nullable;

/**
 * Polls each configured peer's collection and imports what is new: pages of every version added
 * after the peer's cursor, each page imported (and forced to disk) before the cursor moves past it.
 * An unreachable or misbehaving peer is logged and skipped; the others are still polled.
 */
public final class Poller {
  private static final System.Logger LOG = System.getLogger("org.distillguard.intel.poll");

  /** Objects per page requested. */
  public static final int PAGE = 500;

  private final TaxiiClient client;
  private final Importer importer;
  private final CursorStore cursors;
  private final Clock clock;
  private final java.util.Map<String, String> lastError =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Poller(TaxiiClient client, Importer importer, CursorStore cursors, Clock clock) {
    this.client = client;
    this.importer = importer;
    this.cursors = cursors;
    this.clock = clock;
  }

  /** What polling one peer did. */
  public record Result(String peer, Importer.Report report, int pages, @Nullable String error) {}

  /** Polls every peer with a TAXII endpoint once, to the end of what each has. */
  public List<Result> pollAll(List<PeerConfig> peers) {
    return peers.stream().filter(p -> p.taxii() != null).map(this::poll).toList();
  }

  public Result poll(PeerConfig peer) {
    org.distillguard.intel.IntelConfig.Taxii taxii = peer.taxii();
    if (taxii == null) {
      return new Result(peer.name(), Importer.Report.empty(), 0, "no TAXII endpoint configured");
    }
    Importer.Report total = Importer.Report.empty();
    int pages = 0;
    String next = null;
    try {
      while (true) {
        TaxiiClient.Page page = client.objects(taxii, cursors.get(peer.name()), next, PAGE);
        pages++;
        if (!page.objects().isEmpty()) {
          total = total.plus(importer.importObjects(page.objects(), peer.name(), clock.millis()));
        }
        if (page.dateAddedLast() != null) {
          cursors.put(peer.name(), page.dateAddedLast());
        }
        if (!page.more() || page.objects().isEmpty()) {
          break;
        }
        next = page.next();
        if (next == null && page.dateAddedLast() == null) {
          break; // a server that says "more" but gives no way to get it
        }
      }
      if (lastError.remove(peer.name()) != null) {
        LOG.log(Level.INFO, "intel poll: {0} reachable again", peer.name());
      }
      return new Result(peer.name(), total, pages, null);
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      // Log a peer going down once, not at every poll.
      if (!why.equals(lastError.put(peer.name(), why))) {
        LOG.log(Level.WARNING, "intel poll: {0} unreachable or unusable: {1}", peer.name(), why);
      }
      return new Result(peer.name(), total, pages, why);
    }
  }
}
