package io.skiff.controlplane.master;

import com.google.inject.AbstractModule;
import io.skiff.store.server.StoreServerModule;

/** Wiring of a master process: the store peer's module plus the master's config. Starting is {@link Master}'s job. */
public final class MasterModule extends AbstractModule {
  private final MasterConfig config;

  public MasterModule(MasterConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    install(new StoreServerModule(config.store()));
    bind(MasterConfig.class).toInstance(config);
  }
}
