package io.skiff.cli.commands;

import io.skiff.cli.CliException;

/** --dry-run's values: none, client (also the bare flag); server is not there yet. */
final class DryRun {
  private DryRun() {
  }

  static boolean parse(String value) {
    if (value == null || value.equals("none") || value.equals("false")) {
      return false;
    }
    if (value.equals("client") || value.equals("true")) {
      return true;
    }
    if (value.equals("server")) {
      throw new CliException("--dry-run=server: the masters have no dry run yet; use --dry-run=client");
    }
    throw new CliException("--dry-run: \"" + value + "\" is not one of none, client, server");
  }
}
