package io.skiff.agent.logs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** An agent process's own gRPC server: the {@link LogService} on the configured port (0: any free one). */
@Singleton
public final class LogServer implements AgentServer {
  private final AgentConfig config;
  private final LogService logs;
  private volatile Server server;

  @Inject
  public LogServer(AgentConfig config, LogService logs) {
    this.config = config;
    this.logs = logs;
  }

  @Override
  public int start() throws IOException {
    server = NettyServerBuilder.forPort(config.port()).addService(logs).build().start();
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
