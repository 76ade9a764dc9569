package io.skiff.cli.commands;

import java.util.List;
import picocli.CommandLine.Option;

/** -f and -R, as apply, create and delete take them. */
final class FileOptions {
  @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", required = true,
      description = "A manifest (YAML or JSON, one or more documents), a directory of them (.yaml, .yml, .json), "
          + "or - for standard input. May be repeated.")
  List<String> files;

  @Option(names = {"-R", "--recursive"}, description = "Also read the directories below a directory given with -f.")
  boolean recursive;
}
