package io.skiff.controlplane.master;

import io.skiff.store.server.JvmSettings;
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
    try {
      master.start();
    } catch (java.io.IOException e) {
      // a refused start (a corrupt --restore-snapshot, a data dir in use): one clear line, not a trace
      log.error("master {} could not start", config.store().id(), e);
      System.err.println("skiff-master: " + e.getMessage());
      System.exit(1);
    }
    stopped.await();
  }
}
