package io.skiff.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One gRPC channel over every master of a cluster: it uses one master at a
 * time (pick_first) and moves to the next when that one goes away, and calls
 * that fail UNAVAILABLE are retried (with back-off, about 3 s in all), so a
 * master's death is a pause, not an error, for callers.
 */
public final class MasterChannels {
  private static final String SCHEME = "skiff-masters";

  static {
    NameResolverRegistry.getDefaultRegistry().register(new StaticResolverProvider());
  }

  private MasterChannels() {
  }

  public static ManagedChannel open(List<InetSocketAddress> endpoints) {
    return NettyChannelBuilder.forTarget(SCHEME + ":///" + Endpoints.format(endpoints))
        .usePlaintext()
        .defaultServiceConfig(serviceConfig())
        .enableRetry()
        .build();
  }

  private static Map<String, Object> serviceConfig() {
    Map<String, Object> retry = Map.of(
        "maxAttempts", 5.0,
        "initialBackoff", "0.2s",
        "maxBackoff", "2s",
        "backoffMultiplier", 2.0,
        "retryableStatusCodes", List.of("UNAVAILABLE"));
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("pick_first", Map.of("shuffleAddressList", true))),
        "methodConfig", List.of(Map.of("name", List.of(Map.of()), "retryPolicy", retry)));
  }

  /** Resolves {@code skiff-masters:///h1:p1,h2:p2} to those addresses, once. */
  private static final class StaticResolverProvider extends NameResolverProvider {
    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
      if (!SCHEME.equals(target.getScheme())) {
        return null;
      }
      List<InetSocketAddress> endpoints = Endpoints.parse(target.getPath().substring(1));
      return new NameResolver() {
        @Override
        public String getServiceAuthority() {
          return endpoints.get(0).getHostString();
        }

        @Override
        public void start(Listener2 listener) {
          try {
            List<EquivalentAddressGroup> groups = endpoints.stream()
                .map(e -> new EquivalentAddressGroup((SocketAddress) new InetSocketAddress(e.getHostString(), e.getPort())))
                .toList();
            listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(
                io.grpc.StatusOr.fromValue(groups)).build());
          } catch (RuntimeException e) {
            listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve " + endpoints + ": " + e));
          }
        }

        @Override
        public void shutdown() {
        }
      };
    }
  }
}
