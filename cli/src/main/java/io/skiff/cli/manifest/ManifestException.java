package io.skiff.cli.manifest;

import io.skiff.cli.CliException;
import java.util.List;

/** Manifests that cannot be used, with every problem found: one line each. */
public final class ManifestException extends CliException {
  private final List<String> problems;

  public ManifestException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
