package org.distillguard.app.serve;

import java.io.PrintWriter;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.store.StoredVerdict;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distillguard policy}: manual allow and deny lists, verdicts in force, the audit log. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Allow or deny accounts, keys, orgs and IP ranges by hand; show verdicts and audit log.",
      "A deny blocks (403 with a reference the customer can quote); an allow overrides the",
      "detector. Deny wins over allow.",
      "",
      "Examples:",
      "  distillguard policy deny -c distillguard.yaml --ip 203.0.113.0/24 --reason botnet",
      "  distillguard policy allow -c distillguard.yaml --account acct-42 --reason 'batch eval'",
      "  distillguard policy unlist -c distillguard.yaml --ip 203.0.113.0/24",
      "  distillguard policy audit -c distillguard.yaml --subject account:acct-42",
      ""
    },
    subcommands = {
      PolicyCommand.Allow.class,
      PolicyCommand.Deny.class,
      PolicyCommand.Unlist.class,
      PolicyCommand.Lists.class,
      PolicyCommand.Verdicts.class,
      PolicyCommand.Audit.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 internal error, 2 unusable arguments or configuration."
    })
public final class PolicyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exactly one subject. */
  static final class Subject {
    @Option(names = "--account", description = "An account id.")
    @Nullable String account;

    @Option(names = "--key", description = "A key id.")
    @Nullable String key;

    @Option(names = "--org", description = "An organization id.")
    @Nullable String org;

    @Option(names = "--ip", description = "An IP address or CIDR range, e.g. 203.0.113.0/24.")
    @Nullable String ip;

    ListEntry.Kind kind() {
      return account != null
          ? ListEntry.Kind.ACCOUNT
          : key != null ? ListEntry.Kind.KEY : org != null ? ListEntry.Kind.ORG : ListEntry.Kind.IP;
    }

    String value() {
      String v = account != null ? account : key != null ? key : org != null ? org : ip;
      return v == null ? "" : v;
    }
  }

  abstract static class Listing extends StoreCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    @Nullable Subject subject; // picocli sets it (multiplicity 1)

    @Option(names = "--reason", description = "Why, for the audit log.")
    @Nullable String reason;

    abstract ListEntry.ListType type();

    Subject subj() {
      return java.util.Objects.requireNonNull(subject);
    }

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      ListEntry e = ops.list(StoreOptions.actor(), type(), subj().kind(), subj().value(), reason);
      out.println(
          e.list().id() + " " + e.kind().id() + " " + e.subject() + " (reference " + e.ref() + ")");
    }
  }

  @Command(name = "allow", mixinStandardHelpOptions = true, description = "Allow a subject.")
  static final class Allow extends Listing {
    @Override
    ListEntry.ListType type() {
      return ListEntry.ListType.ALLOW;
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny (block) a subject.")
  static final class Deny extends Listing {
    @Override
    ListEntry.ListType type() {
      return ListEntry.ListType.DENY;
    }
  }

  @Command(
      name = "unlist",
      mixinStandardHelpOptions = true,
      description = "Take a subject off its list.")
  static final class Unlist extends StoreCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    @Nullable Subject subject; // picocli sets it (multiplicity 1)

    @Option(names = "--reason", description = "Why, for the audit log.")
    @Nullable String reason;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      Subject s = java.util.Objects.requireNonNull(subject);
      ops.unlist(StoreOptions.actor(), s.kind(), s.value(), reason);
      out.println("unlisted " + s.kind().id() + " " + s.value());
    }
  }

  @Command(
      name = "lists",
      mixinStandardHelpOptions = true,
      description = "Show the allow and deny lists.")
  static final class Lists extends StoreCommand {

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      out.printf("%-6s %-8s %-32s %-22s %s%n", "list", "kind", "subject", "reference", "reason");
      for (ListEntry e : ops.lists()) {
        out.printf(
            "%-6s %-8s %-32s %-22s %s%n",
            e.list().id(), e.kind().id(), e.subject(), e.ref(), KeysCommand.or(e.reason()));
      }
    }
  }

  @Command(
      name = "verdicts",
      mixinStandardHelpOptions = true,
      description = "Show the detector's verdicts in force (what throttles, degrades or blocks).")
  static final class Verdicts extends StoreCommand {

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      out.printf(
          "%-24s %-13s %6s %8s %-22s %s%n",
          "account", "verdict", "score", "requests", "reference", "reasons");
      for (StoredVerdict v : ops.verdicts()) {
        out.printf(
            "%-24s %-13s %6.3f %8d %-22s %s%n",
            v.account(), v.verdict(), v.score(), v.requests(), v.ref(), v.reasons());
      }
    }
  }

  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "Show the audit log, newest first.")
  static final class Audit extends StoreCommand {

    @Option(
        names = "--subject",
        description = "Only subjects starting with this, e.g. account:acct-42.")
    @Nullable String subject;

    @Option(
        names = "--limit",
        description = "At most this many entries (default ${DEFAULT-VALUE}).")
    int limit = 50;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      for (AuditEntry e : ops.audit(subject, null, limit)) {
        out.println(
            KeysCommand.time(e.atMillis())
                + "  "
                + e.id()
                + "  "
                + e.actor()
                + "  "
                + e.action()
                + "  "
                + e.subject()
                + (e.reason() == null ? "" : "  (" + e.reason() + ")"));
      }
    }
  }
}
