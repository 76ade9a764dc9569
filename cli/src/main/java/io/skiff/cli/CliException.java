package io.skiff.cli;

/** A failure the user can act on: printed as one line, "error: " and the message, exit status 1. */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message, null, false, false);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
