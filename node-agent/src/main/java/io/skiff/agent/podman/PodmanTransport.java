package io.skiff.agent.podman;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.agent.runtime.RuntimeError.Kind;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.client.DaemonThreads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 with Podman's libpod API (v4.0.0) over its unix socket: Apache HttpClient 5 on
 * jnr-unixsocket sockets, Jackson for JSON, and Podman's errors turned into {@link RuntimeError}s
 * in one place. Thread-safe: requests run in parallel over pooled connections.
 *
 * <p>Timeouts: sockets have none (a unix socket's receive timeout does not surface as an
 * exception through jnr), so every request has a deadline after which it is cancelled, which
 * closes its connection and wakes the reading thread. A bounded request must be answered within
 * the transport's request timeout plus what the caller adds (a stop's grace period); a stream's
 * headers within the request timeout, and its body as long as the caller keeps it open.
 */
final class PodmanTransport implements Closeable {
  private static final List<String> API = List.of("v4.0.0", "libpod");
  private static final int MAX_CONNECTIONS = 64;

  private final Path socket;
  private final Duration requestTimeout;
  private final CloseableHttpClient http;
  private final ObjectMapper json = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("podman-request-deadlines"));

  PodmanTransport(Path socket, Duration requestTimeout) {
    this.socket = socket;
    this.requestTimeout = requestTimeout;
    var operator = new DefaultHttpClientConnectionOperator(new UnixSocketFactory(socket),
        DefaultSchemePortResolver.INSTANCE, UnixSocketFactory.resolver(),
        RegistryBuilder.<TlsSocketStrategy>create().build());
    var connections = new PoolingHttpClientConnectionManager(operator, PoolConcurrencyPolicy.STRICT,
        PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, null);
    connections.setMaxTotal(MAX_CONNECTIONS);
    connections.setDefaultMaxPerRoute(MAX_CONNECTIONS);
    connections.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.DISABLED).build());
    connections.setDefaultConnectionConfig(ConnectionConfig.custom()
        .setSocketTimeout(Timeout.DISABLED)
        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
        .build());
    http = HttpClients.custom()
        .setConnectionManager(connections)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(Timeout.DISABLED)
            .setConnectionRequestTimeout(Timeout.of(requestTimeout))
            .build())
        .evictIdleConnections(TimeValue.ofSeconds(30))
        // a POST that may have reached Podman (a create) must not be sent twice
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .setUserAgent("skiff-node-agent")
        .build();
  }

  /**
   * The kind of a Podman error. Podman 4.3 answers 500 for many refusals, so its {@code cause}
   * (the text of its Go sentinel error) decides before the status does.
   */
  static Kind kind(int status, String cause) {
    return switch (cause) {
      case "no such container", "no such pod", "no such exec session", "no such object", "image not known" ->
          Kind.NOT_FOUND;
      case "that name is already in use", "container already exists", "pod already exists",
          "container state improper", "pod state improper" -> Kind.CONFLICT;
      default -> switch (status) {
        case 404 -> Kind.NOT_FOUND;
        case 409 -> Kind.CONFLICT;
        default -> Kind.ENGINE;
      };
    };
  }

  ObjectMapper json() {
    return json;
  }

  Path socket() {
    return socket;
  }

  Request request(String method, String... path) {
    return new Request(method, path);
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      throw new RuntimeError(Kind.UNAVAILABLE, "closing the Podman client: " + e.getMessage(), e);
    }
  }

  /** A whole response with a status below 400. */
  record Response(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One request: path segments under /v4.0.0/libpod (each escaped), query, optional JSON body. */
  final class Request {
    private final String method;
    private final List<String> segments = new ArrayList<>(API);
    private final URIBuilder uri = new URIBuilder().setScheme("http").setHost(UnixSocketFactory.HOST);
    private Object body;
    private Duration extraTime = Duration.ZERO;

    private Request(String method, String... path) {
      this.method = method;
      segments.addAll(List.of(path));
    }

    Request param(String name, Object value) {
      uri.addParameter(name, String.valueOf(value));
      return this;
    }

    /** A query parameter holding JSON (Podman's filters). */
    Request jsonParam(String name, Object value) {
      try {
        return param(name, json.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(e);
      }
    }

    Request body(Object body) {
      this.body = body;
      return this;
    }

    /** Allows this much longer than the request timeout (for a stop's grace period). */
    Request extraTime(Duration extra) {
      this.extraTime = extra;
      return this;
    }

    /** Sends it and reads the whole answer. */
    Response send() {
      Stream stream = open(requestTimeout.plus(extraTime));
      return new Response(stream.status(), stream.readToEnd());
    }

    <T> T send(Class<T> type) {
      byte[] body = send().body();
      try {
        return json.readValue(body, type);
      } catch (IOException e) {
        throw new RuntimeError(Kind.ENGINE, "unexpected answer from Podman to " + this + ": "
            + new String(body, StandardCharsets.UTF_8), e);
      }
    }

    /**
     * Sends it and returns once the headers arrived; the body then streams until {@code deadline}
     * (null: until the stream is closed).
     */
    Stream open(Duration deadline) {
      HttpUriRequestBase request = new HttpUriRequestBase(method, uri());
      if (body != null) {
        try {
          request.setEntity(new ByteArrayEntity(json.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(e);
        }
      }
      AtomicBoolean expired = new AtomicBoolean();
      ScheduledFuture<?> timer = deadlines.schedule(() -> {
        expired.set(true);
        request.cancel();
      }, (deadline == null ? requestTimeout : deadline).toMillis(), TimeUnit.MILLISECONDS);
      ClassicHttpResponse response;
      try {
        response = http.executeOpen(null, request, null);
      } catch (IOException e) {
        timer.cancel(false);
        throw expired.get() ? timedOut() : failure(e);
      }
      if (deadline == null) {
        timer.cancel(false);
      }
      Stream stream = new Stream(request, response, timer, expired);
      if (response.getCode() >= 400) {
        throw error(response.getCode(), stream.readToEnd());
      }
      return stream;
    }

    private URI uri() {
      try {
        return uri.setPathSegments(segments).build();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(e);
      }
    }

    private RuntimeError timedOut() {
      return new RuntimeError(Kind.UNAVAILABLE, "Podman did not answer " + this + " in time");
    }

    private RuntimeError failure(IOException e) {
      return new RuntimeError(Kind.UNAVAILABLE,
          "cannot talk to Podman at " + socket + " (" + this + "): " + e, e);
    }

    private RuntimeError error(int status, byte[] body) {
      String message = new String(body, StandardCharsets.UTF_8).strip();
      String cause = "";
      try {
        LibpodJson.Error error = json.readValue(body, LibpodJson.Error.class);
        message = error.message() == null ? message : error.message();
        cause = error.cause() == null ? "" : error.cause();
      } catch (IOException notJson) {
        // Podman's text as it is
      }
      return new RuntimeError(kind(status, cause), message.isEmpty() ? "HTTP " + status : message);
    }

    @Override
    public String toString() {
      return method + " /" + String.join("/", segments.subList(API.size(), segments.size()));
    }

    /**
     * An open response. Closing it abandons the rest of the body: the request is cancelled (its
     * connection closed) rather than drained, since a stream may never end. Not thread-safe,
     * except {@link #close}, which may be called from another thread to stop a reader.
     */
    final class Stream implements Closeable {
      private final HttpUriRequestBase request;
      private final ClassicHttpResponse response;
      private final ScheduledFuture<?> timer;
      private final AtomicBoolean expired;
      private final InputStream body;

      private Stream(HttpUriRequestBase request, ClassicHttpResponse response, ScheduledFuture<?> timer,
          AtomicBoolean expired) {
        this.request = request;
        this.response = response;
        this.timer = timer;
        this.expired = expired;
        HttpEntity entity = response.getEntity();
        try {
          this.body = entity == null ? InputStream.nullInputStream() : entity.getContent();
        } catch (IOException e) {
          close();
          throw failure(e);
        }
      }

      int status() {
        return response.getCode();
      }

      InputStream body() {
        return body;
      }

      /** Whether the deadline cancelled it. */
      boolean expired() {
        return expired.get();
      }

      /** Reads the rest of the body and releases the connection for reuse. */
      byte[] readToEnd() {
        try {
          byte[] bytes = body.readAllBytes();
          timer.cancel(false);
          response.close();
          if (expired.get()) { // the deadline closed the connection, which may read as the end
            throw failure(new IOException("cancelled"));
          }
          return bytes;
        } catch (IOException e) {
          close();
          throw failure(e);
        }
      }

      /** The error for an I/O failure while reading it: a timeout when the deadline passed. */
      RuntimeError failure(IOException e) {
        return expired.get() ? timedOut() : Request.this.failure(e);
      }

      @Override
      public void close() {
        timer.cancel(false);
        request.cancel();
        try {
          response.close();
        } catch (IOException e) {
          // the connection is closed: nothing to release
        }
      }
    }
  }
}
