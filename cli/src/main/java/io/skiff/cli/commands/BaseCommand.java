package io.skiff.cli.commands;

import io.skiff.cli.Cli;
import io.skiff.cli.Session;
import io.skiff.cli.SkiffCommand;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command reaches through the root: the streams, the session, the namespace, the time. */
abstract class BaseCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  SkiffCommand root() {
    return (SkiffCommand) spec.root().userObject();
  }

  Cli cli() {
    return root().cli();
  }

  PrintWriter out() {
    return cli().out();
  }

  Session session() {
    return root().session();
  }

  /** The namespace meant when an object names none: -n, else the context's, else default. */
  String namespace() {
    return session().namespace();
  }

  Instant now() {
    return cli().clock().instant();
  }
}
