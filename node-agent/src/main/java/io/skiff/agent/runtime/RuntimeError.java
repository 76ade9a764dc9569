package io.skiff.agent.runtime;

/** A refusal or failure of the container engine, with its own message. */
public final class RuntimeError extends RuntimeException {
  /** What went wrong, for the agent's reactions (e.g. ErrImagePull). */
  public enum Kind { NOT_FOUND, CONFLICT, IMAGE_PULL, ENGINE, UNAVAILABLE }

  private final Kind kind;

  public RuntimeError(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RuntimeError(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
