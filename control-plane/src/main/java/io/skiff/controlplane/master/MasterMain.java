package io.skiff.controlplane.master;

import io.skiff.store.server.JvmSettings;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master process. See {@link MasterFlags#USAGE}. */
public final class MasterMain {
  private static final Logger log = LoggerFactory.getLogger(MasterMain.class);

  private MasterMain() {
  }

  public static void main(String[] args) throws Exception {
    JvmSettings.apply();
    MasterConfig config;
    try {
      config = MasterFlags.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("skiff-master: " + e.getMessage());
      System.err.println(MasterFlags.USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(MasterFlags.USAGE);
      return;
    }
    Master master = new Master(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        master.close();
      } catch (Exception e) {
        log.warn("error while stopping", e);
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    master.start();
    stopped.await();
  }

  /**
   * A master started from command-line flags, for processes that embed one (the all-in-one
   * {@code skiff server}); the caller closes it. IllegalArgumentException names a bad flag.
   */
  public static Master launch(String... args) throws IOException, InterruptedException {
    MasterConfig config = MasterFlags.parse(args);
    if (config == null) {
      throw new IllegalArgumentException("--help is not a master setting");
    }
    Master master = new Master(config);
    try {
      master.start();
    } catch (Exception e) { // precise rethrow: only what start() throws
      try {
        master.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return master;
  }
}
