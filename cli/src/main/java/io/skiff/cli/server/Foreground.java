package io.skiff.cli.server;

import java.util.concurrent.CountDownLatch;

/** Keeps a started server in the foreground until SIGTERM or Ctrl-C, then closes it. */
final class Foreground {
  private Foreground() {
  }

  static int run(AutoCloseable server, String readyLine) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("error while stopping: " + e);
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    System.out.println(readyLine);
    System.out.flush();
    stopped.await();
    return 0;
  }
}
