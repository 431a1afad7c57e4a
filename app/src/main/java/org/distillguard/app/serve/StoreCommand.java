package org.distillguard.app.serve;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.distillguard.app.Main;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.store.StoreException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A subcommand of {@code keys} or {@code policy}: it opens the gateway's store named by the
 * configuration, does its work through {@link Operations} (which audits every change), and maps the
 * expected failures to exit codes with a one-line message, never a stack trace.
 */
abstract class StoreCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin StoreOptions store;

  /** The command's work on the opened store. */
  abstract void run(Operations ops, PrintWriter out) throws Operations.Rejected;

  /** What is wrong with the arguments, checked before the store is opened; null if nothing. */
  @Nullable String problem() {
    return null;
  }

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String name = "distillguard " + spec.qualifiedName(" ").replace("distillguard ", "");
    String problem = problem();
    if (problem != null) {
      err.println(name + ": " + problem);
      return Main.EXIT_USAGE;
    }
    try (StoreOptions.Opened o = store.open()) {
      run(o.ops(), spec.commandLine().getOut());
      return Main.EXIT_OK;
    } catch (ConfigException e) {
      err.println(name + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (Operations.Rejected e) {
      err.println("distillguard: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (StoreException e) {
      err.println("distillguard: " + e.getMessage());
      return Main.EXIT_INTERNAL;
    }
  }
}
