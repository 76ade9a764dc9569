package io.skiff.agent.probes;

/** What one run of a probe found: success, or a failure and why ("HTTP probe failed with statuscode: 500"). */
public record ProbeResult(boolean succeeded, String output) {
  private static final ProbeResult SUCCESS = new ProbeResult(true, "");

  public static ProbeResult success() {
    return SUCCESS;
  }

  public static ProbeResult failure(String why) {
    return new ProbeResult(false, why);
  }
}
