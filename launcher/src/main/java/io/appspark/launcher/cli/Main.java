package io.appspark.launcher.cli;

import io.appspark.launcher.ExitCode;
import io.appspark.launcher.LauncherException;
import io.appspark.launcher.kubernetes.ApiRefusal;
import io.appspark.launcher.secrets.SecretException;
import io.appspark.launcher.spec.InvalidSpecException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code appspark} command. */
@Command(
    name = "appspark",
    // Inherited, so that every command takes --help (and --version), as README promises.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "An ephemeral Apache Spark cluster inside every application.",
    subcommands = {
      UpCommand.class,
      StatusCommand.class,
      ScaleCommand.class,
      DownCommand.class,
      SubmitCommand.class,
      DemoCommand.class,
      RenderCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the operation failed (see the message and the cluster's logs)",
      "2:bad input: an invalid spec, option or argument",
      "3:no such cluster, or it does not answer",
      "4:timed out waiting for the cluster"
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(CliContext.fromSystem(), args));
  }

  static int run(CliContext context, String... args) {
    CommandLine cli = new CommandLine(new Main(), new ContextFactory(context));
    // The context's streams, in the charset picocli used for System.out and System.err.
    cli.setOut(writer(context.out()));
    cli.setErr(writer(context.err()));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          if (e instanceof LauncherException le) {
            context.err().println("appspark: " + le.getMessage());
            return le.exitCode().code();
          }
          if (e instanceof InvalidSpecException ise) {
            context.err().println("appspark: " + ise.getMessage());
            return ExitCode.USAGE.code();
          }
          if (e instanceof SecretException se) {
            context.err().println("appspark: " + se.getMessage());
            return ExitCode.FAILED.code();
          }
          if (e instanceof KubernetesClientException kce) {
            context.err().println("appspark: " + ApiRefusal.describe(kce));
            return ExitCode.FAILED.code();
          }
          if (e instanceof IllegalStateException ise) {
            context.err().println("appspark: " + ise.getMessage());
            return ExitCode.FAILED.code();
          }
          throw e;
        });
    return cli.execute(args);
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
  }

  /** The version: appspark's and the Spark it runs. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "appspark " + (version == null ? "dev" : version) + " (Apache Spark 4.2.0, Scala 2.13)"
      };
    }
  }

  /** Gives every command the one {@link CliContext}. */
  private record ContextFactory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(CliContext.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
