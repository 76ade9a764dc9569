package io.skiff.client;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
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
 *
 * <p>Over TLS each master's certificate is checked against that master's own
 * host (each address carries its authority), not the first endpoint's: a
 * failover to a master whose certificate names only its own host still works.
 */
public final class MasterChannels {
  private static final String SCHEME = "skiff-masters";

  static {
    NameResolverRegistry.getDefaultRegistry().register(new StaticResolverProvider());
  }

  private MasterChannels() {
  }

  /**
   * A channel to the masters with {@code credentials}: TLS (and the bearer token, if any), or
   * plaintext for {@link Credentials#insecure()}. IllegalArgumentException for a bearer token
   * without TLS, or unusable TLS files.
   */
  public static ManagedChannel open(List<InetSocketAddress> endpoints, Credentials credentials) {
    if (credentials.isInsecure()) {
      if (credentials.bearerToken() != null) {
        throw new IllegalArgumentException("a bearer token is sent over TLS only: give the cluster's CA "
            + "certificate to connect with TLS, or no token to connect in plaintext to an --insecure master");
      }
      return openInsecure(endpoints);
    }
    NettyChannelBuilder builder = builder(endpoints).sslContext(credentials.tls().forClient());
    if (credentials.bearerToken() != null) {
      builder.intercept(new WithCallCredentials(new BearerToken(credentials.bearerToken())));
    }
    return builder.build();
  }

  /** A plaintext channel, no credentials: only for masters started with --insecure. */
  public static ManagedChannel openInsecure(List<InetSocketAddress> endpoints) {
    return builder(endpoints).usePlaintext().build();
  }

  /**
   * A TLS channel with a context the caller built: a joining node's, which trusts only a chain
   * that leads to a pinned CA.
   */
  public static ManagedChannel openTls(List<InetSocketAddress> endpoints, SslContext context) {
    return builder(endpoints).sslContext(context).build();
  }

  private static NettyChannelBuilder builder(List<InetSocketAddress> endpoints) {
    return NettyChannelBuilder.forTarget(SCHEME + ":///" + Endpoints.format(endpoints))
        .defaultServiceConfig(serviceConfig())
        .enableRetry();
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

  /** "host:port", brackets around an IPv6 literal. */
  static String authority(InetSocketAddress endpoint) {
    String host = endpoint.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + endpoint.getPort();
  }

  /** Puts the same call credentials on every call of the channel. */
  private static final class WithCallCredentials implements ClientInterceptor {
    private final io.grpc.CallCredentials credentials;

    WithCallCredentials(io.grpc.CallCredentials credentials) {
      this.credentials = credentials;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      return next.newCall(method, options.withCallCredentials(credentials));
    }
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
          return authority(endpoints.get(0));
        }

        @Override
        public void start(Listener2 listener) {
          try {
            List<EquivalentAddressGroup> groups = endpoints.stream().map(e -> new EquivalentAddressGroup(
                (SocketAddress) new InetSocketAddress(e.getHostString(), e.getPort()),
                // TLS checks this master's certificate against its own host
                Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, authority(e)).build()))
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
