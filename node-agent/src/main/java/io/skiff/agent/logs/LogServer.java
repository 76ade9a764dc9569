package io.skiff.agent.logs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.AgentSecurity;
import io.skiff.agent.AgentServer;
import io.skiff.agent.tls.MastersOnly;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent process's own gRPC server: the {@link LogService} on the configured port (0: any free
 * one). Over TLS with the node's certificate, it requires a client certificate from the cluster
 * CA and answers only group system:masters; plaintext (to anyone) only when insecure.
 */
@Singleton
public final class LogServer implements AgentServer {
  private static final Logger log = LoggerFactory.getLogger(LogServer.class);

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
    server = serve(config.security(), config.port(), logs);
    return server.getPort();
  }

  /** A started server of {@code service} on {@code port}, secured as {@code security} says. */
  public static Server serve(AgentSecurity security, int port, BindableService service) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forPort(port);
    if (security.insecure()) {
      log.warn("serving the logs port {} in plaintext, to any caller (--insecure)", port);
      return builder.addService(service).build().start();
    }
    return builder.sslContext(security.nodeFiles().checked().forServer(true))
        .addService(ServerInterceptors.intercept(service, new MastersOnly()))
        .build().start();
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
