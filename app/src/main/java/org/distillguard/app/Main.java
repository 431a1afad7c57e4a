package org.distillguard.app;

import org.distillguard.app.analyze.AnalyzeCommand;
import org.distillguard.app.intel.IntelCommand;
import org.distillguard.app.serve.KeysCommand;
import org.distillguard.app.serve.PolicyCommand;
import org.distillguard.app.serve.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code distillguard} command. */
@Command(
    name = "distillguard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Detect, stop and attribute adversarial distillation of an LLM API.",
    subcommands = {
      AnalyzeCommand.class,
      SimulateCommand.class,
      CalibrateCommand.class,
      EvaluateCommand.class,
      ServeCommand.class,
      KeysCommand.class,
      PolicyCommand.class,
      IntelCommand.class,
      ProbeCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 internal error, 2 unusable arguments or input,",
      "3 (evaluate) an acceptance bound failed.",
      "Run 'distillguard help COMMAND' for a command's options."
    })
public final class Main implements Runnable {
  /** Success. */
  public static final int EXIT_OK = 0;

  /** A bug or an environment failure; the message says which. */
  public static final int EXIT_INTERNAL = 1;

  /** Unusable arguments or input. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Main());
    // Bad arguments (of any subcommand) are usage errors; anything else thrown is internal.
    cl.setExitCodeExceptionMapper(
        t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_INTERNAL);
    cl.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          // Never a stack trace for the user: one line that says what broke.
          commandLine
              .getErr()
              .println("distillguard: internal error: " + ex + " (please report this)");
          return EXIT_INTERNAL;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar's manifest. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"distillguard " + (v == null ? "dev" : v)};
    }
  }
}
