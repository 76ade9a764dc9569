package io.skiff.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.function.Supplier;

/**
 * Proof that a writer still holds a Lease, carried on its writes: the masters
 * write a write only while the lease's fence (moved each time the lease changes
 * holder) is still where it was when this writer acquired it. So a leader that
 * lost its lease without knowing it (paused, partitioned) cannot write.
 *
 * @param revision the lease's resource_version returned by the write that acquired it
 */
public record FencingToken(String namespace, String name, long revision) {
  /** The request header that carries a token: {@code namespace/name@revision}. */
  public static final Metadata.Key<String> HEADER = Metadata.Key.of("skiff-fence", Metadata.ASCII_STRING_MARSHALLER);

  public String format() {
    return namespace + "/" + name + "@" + revision;
  }

  /** Reads a header's value; throws IllegalArgumentException naming what is wrong. */
  public static FencingToken parse(String value) {
    int slash = value.indexOf('/');
    int at = value.lastIndexOf('@');
    if (slash <= 0 || at < slash + 2) {
      throw new IllegalArgumentException("fencing token \"" + value + "\" is not namespace/name@revision");
    }
    long revision;
    try {
      revision = Long.parseLong(value.substring(at + 1));
    } catch (NumberFormatException e) {
      revision = 0;
    }
    if (revision <= 0) {
      throw new IllegalArgumentException("fencing token \"" + value + "\" has no positive revision");
    }
    return new FencingToken(value.substring(0, slash), value.substring(slash + 1, at), revision);
  }

  /**
   * Puts the current token (if any) on every call through a channel; a writer
   * that has none (not leading) sends its calls unfenced, which its own code
   * must not do for writes.
   */
  public static ClientInterceptor interceptor(Supplier<FencingToken> current) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            FencingToken token = current.get();
            if (token != null) {
              headers.put(HEADER, token.format());
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
