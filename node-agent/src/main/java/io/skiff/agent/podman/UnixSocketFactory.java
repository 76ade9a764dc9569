package io.skiff.agent.podman;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;

import jnr.unixsocket.UnixSocket;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * Gives HttpClient sockets that reach one unix socket, whatever host and port a request names:
 * jnr-unixsocket's {@link UnixSocket} (a {@link java.net.Socket}, which Java 17's own unix channels
 * are not), connected to the socket path when HttpClient connects it. This is how docker-java
 * and Testcontainers reach a local engine. Thread-safe.
 */
final class UnixSocketFactory implements DetachedSocketFactory {
  /** The host name in request URIs; it is never looked up. */
  static final String HOST = "podman";

  private final Path socketPath;

  UnixSocketFactory(Path socketPath) {
    this.socketPath = socketPath;
  }

  @Override
  public Socket create(Proxy proxy) throws IOException {
    return new PathSocket(UnixSocketChannel.open(), new UnixSocketAddress(socketPath.toFile()));
  }

  /** Resolves every name to a fixed address without DNS: the address is ignored on connect. */
  static DnsResolver resolver() {
    return new DnsResolver() {
      @Override
      public InetAddress[] resolve(String host) throws UnknownHostException {
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
  }

  /**
   * A unix socket that connects to its path, whatever address it is given, and accepts the TCP
   * options HttpClient sets on every socket (which mean nothing for a unix socket) as no-ops.
   * {@link #getSoTimeout} returns what was set, so HttpClient's stale-connection check (a 1 ms
   * read, then the old timeout restored) leaves the socket as it was.
   */
  private static final class PathSocket extends UnixSocket {
    private final UnixSocketAddress path;
    private volatile int soTimeout;

    PathSocket(UnixSocketChannel channel, UnixSocketAddress path) {
      super(channel);
      this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException {
      super.connect(path, timeout);
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
      super.connect(path, 0);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      super.setSoTimeout(timeout);
      soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
      return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public void setReuseAddress(boolean on) {
    }

    @Override
    public void setKeepAlive(boolean on) {
    }
  }
}
