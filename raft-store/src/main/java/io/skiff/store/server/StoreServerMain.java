package io.skiff.store.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreConfig;
import io.skiff.store.etcd.EtcdApiServer;
import io.skiff.store.raft.StorePeer;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store server process: one Raft peer and its etcd v3 endpoint.
 *
 * <pre>
 * StoreServerMain --id n1 --peers n1=127.0.0.1:12380/127.0.0.1:2379,n2=...,n3=... --data-dir DIR
 * </pre>
 */
public final class StoreServerMain {
  private static final Logger log = LoggerFactory.getLogger(StoreServerMain.class);

  private StoreServerMain() {
  }

  public static void main(String[] args) throws Exception {
    JvmSettings.apply();
    ServerFlags flags;
    try {
      flags = ServerFlags.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("skiff-store: " + e.getMessage());
      System.err.println(ServerFlags.USAGE);
      System.exit(2);
      return;
    }
    if (flags.help()) {
      System.out.println(ServerFlags.USAGE);
      return;
    }
    StoreConfig config = flags.config();
    if (config.tls() == null) {
      log.warn("running --insecure: Raft and the etcd client port are plaintext, no client authentication");
    }
    Injector injector = Guice.createInjector(new StoreServerModule(config));
    StorePeer peer = injector.getInstance(StorePeer.class);
    try {
      peer.start();
    } catch (java.io.IOException e) {
      // a refused start (a corrupt --restore-snapshot, a data dir in use): one clear line, not a trace
      System.err.println("skiff-store: " + e.getMessage());
      peer.close();
      System.exit(1);
      return;
    }
    EtcdApiServer api = injector.getInstance(EtcdApiServer.class);
    String listen = flags.listenClient().isEmpty() ? config.self().clientAddress() : flags.listenClient();
    api.start(EtcdApiServer.serverBuilder(new InetSocketAddress(PeerSpec.host(listen), PeerSpec.port(listen)),
        config.tls()));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        api.close();
        peer.close();
      } catch (Exception e) {
        log.warn("error while stopping", e);
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    log.info("store server {} ready: etcd clients on {}", config.id(), listen);
    stopped.await();
  }
}
