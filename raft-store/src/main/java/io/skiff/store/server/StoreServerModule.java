package io.skiff.store.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.skiff.store.Store;
import io.skiff.store.StoreConfig;
import io.skiff.store.raft.StorePeer;
import jakarta.inject.Singleton;

/** Wiring of a store server process. Binds only; starting is {@link StoreServerMain}'s job. */
public final class StoreServerModule extends AbstractModule {
  private final StoreConfig config;

  public StoreServerModule(StoreConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(StoreConfig.class).toInstance(config);
    bind(StorePeer.class).in(Singleton.class);
  }

  /** The started peer's store; ask for it only after {@link StorePeer#start()}. */
  @Provides
  Store store(StorePeer peer) {
    return peer.store();
  }
}
