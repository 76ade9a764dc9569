package io.skiff.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** SIGSTOP and SIGCONT, which Java's Process cannot send: a process frozen in place, then thawed. */
final class Signals {
  private Signals() {
  }

  static void stop(long pid) {
    send("-STOP", pid);
  }

  static void resume(long pid) {
    send("-CONT", pid);
  }

  private static void send(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill " + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending " + signal + " to " + pid, e);
    }
  }
}
