package org.distillguard.app.serve;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.store.Account;
import org.distillguard.gateway.store.ApiKey;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code distillguard keys}: issue, list and revoke API keys and manage accounts, directly in the
 * gateway's store. A running gateway picks changes up within {@code store.refresh_seconds}.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Issue, list and revoke the gateway's API keys; create accounts and set their limits.",
      "Works on the store named in the configuration; a running gateway sees changes within",
      "store.refresh_seconds. Every change is written to the audit log.",
      "",
      "Examples:",
      "  distillguard keys create -c distillguard.yaml --account acct-42 --org org-7",
      "  distillguard keys list -c distillguard.yaml --account acct-42",
      "  distillguard keys revoke -c distillguard.yaml k3x9q2m1ab --reason 'leaked in a repo'",
      "  distillguard keys account -c distillguard.yaml acct-42 --rpm 30 --tpm 50000",
      ""
    },
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Revoke.class,
      KeysCommand.Register.class,
      KeysCommand.AccountCmd.class,
      KeysCommand.Accounts.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 internal error, 2 unusable arguments or configuration."
    })
public final class KeysCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  static String or(@Nullable Object o) {
    return o == null ? "-" : o.toString();
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Issue a key; the secret is printed once and only its SHA-256 is kept.")
  static final class Create extends StoreCommand {

    @Option(
        names = "--account",
        required = true,
        description = "The billed account (created if new).")
    String account;

    @Option(names = "--org", description = "The account's organization (for a new account).")
    @Nullable String org;

    @Option(names = "--name", description = "A label for the key, e.g. 'ci' or 'laptop'.")
    @Nullable String name;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      Operations.CreatedKey k = ops.createKey(StoreOptions.actor(), account, org, name);
      out.println("key id:  " + k.key().id());
      out.println("account: " + k.key().account());
      out.println("secret:  " + k.secret());
      out.println("(shown once: DistillGuard keeps only its SHA-256)");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List keys (never secrets).")
  static final class ListKeys extends StoreCommand {

    @Option(names = "--account", description = "Only this account's keys.")
    @Nullable String account;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      List<ApiKey> keys =
          ops.keys().stream().filter(k -> account == null || k.account().equals(account)).toList();
      out.printf("%-16s %-24s %-16s %-24s %s%n", "id", "account", "name", "created", "revoked");
      for (ApiKey k : keys) {
        out.printf(
            "%-16s %-24s %-16s %-24s %s%n",
            k.id(),
            k.account(),
            or(k.name()),
            time(k.createdMillis()),
            k.revokedMillis() == null ? "-" : time(k.revokedMillis()));
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a key by its id, or every key of an account with --account.")
  static final class Revoke extends StoreCommand {

    @Parameters(
        paramLabel = "KEY_ID",
        arity = "0..1",
        description = "The key's id, as 'keys list' shows it.")
    @Nullable String id;

    @Option(names = "--account", description = "Revoke every key of this account instead.")
    @Nullable String account;

    @Option(names = "--reason", description = "Why, for the audit log.")
    @Nullable String reason;

    @Override
    @Nullable String problem() {
      return (id == null) == (account == null) ? "give a KEY_ID or --account" : null;
    }

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      String acct = account;
      if (acct != null) {
        List<String> keys = ops.revokeAccount(StoreOptions.actor(), acct, reason);
        out.println("revoked account " + acct + ": " + keys.size() + " key(s) " + keys);
      } else {
        String k = java.util.Objects.requireNonNull(id);
        ops.revokeKey(StoreOptions.actor(), k, reason);
        out.println("revoked " + k);
      }
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Pass-through mode: map a client's own upstream key (read from standard input, never",
        "from the command line) to an account; only its SHA-256 is stored."
      })
  static final class Register extends StoreCommand {

    @Option(names = "--account", required = true, description = "The account the key bills.")
    String account;

    @Option(names = "--name", description = "A label for the key.")
    @Nullable String name;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      String key;
      try {
        key = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      } catch (java.io.IOException e) {
        throw new Operations.Rejected("cannot read the key from standard input: " + e.getMessage());
      }
      ApiKey k = ops.registerKey(StoreOptions.actor(), account, key, name);
      out.println("registered " + k.id() + " for " + account);
    }
  }

  @Command(
      name = "account",
      mixinStandardHelpOptions = true,
      description = "Create or update an account and its limit overrides (unset: the defaults).")
  static final class AccountCmd extends StoreCommand {

    @Parameters(paramLabel = "ACCOUNT")
    String id;

    @Option(names = "--org")
    @Nullable String org;

    @Option(names = "--rpm", description = "Requests per minute.")
    @Nullable Integer rpm;

    @Option(names = "--tpm", description = "Tokens per minute.")
    @Nullable Long tpm;

    @Option(names = "--concurrency", description = "Requests in flight at once.")
    @Nullable Integer concurrency;

    @Option(names = "--note")
    @Nullable String note;

    @Option(
        names = "--payment-fp",
        description =
            "Your own opaque fingerprint of the account's payment instrument (never the card),"
                + " matched against the consortium's keyed fingerprints; '' clears it.")
    @Nullable String paymentFp;

    @Option(
        names = "--email-domain",
        description = "Domain of the account's e-mail address (for intel matching); '' clears it.")
    @Nullable String emailDomain;

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      Account a =
          ops.putAccount(
              StoreOptions.actor(), id, org, rpm, tpm, concurrency, note, paymentFp, emailDomain);
      out.println(
          "account "
              + a.id()
              + " org="
              + or(a.org())
              + " rpm="
              + or(a.rpm())
              + " tpm="
              + or(a.tpm())
              + " concurrency="
              + or(a.concurrency())
              + " payment_fp="
              + (a.paymentFp() == null ? "-" : "set")
              + " email_domain="
              + or(a.emailDomain()));
    }
  }

  @Command(name = "accounts", mixinStandardHelpOptions = true, description = "List accounts.")
  static final class Accounts extends StoreCommand {

    @Override
    void run(Operations ops, PrintWriter out) throws Operations.Rejected {
      out.printf("%-24s %-16s %8s %10s %6s %s%n", "account", "org", "rpm", "tpm", "conc", "note");
      for (Account a : ops.accounts()) {
        out.printf(
            "%-24s %-16s %8s %10s %6s %s%n",
            a.id(), or(a.org()), or(a.rpm()), or(a.tpm()), or(a.concurrency()), or(a.note()));
      }
    }
  }
}
