package io.skiff.agent.probes;

import com.google.inject.Inject;
import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ExecResult;
import io.skiff.agent.runtime.RuntimeError;
import io.skiff.api.v1.HTTPGetAction;
import io.skiff.api.v1.HTTPHeader;
import io.skiff.api.v1.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The agent's prober: exec in the container through the engine (exit code 0), httpGet over the
 * network (a status from 200 to 399; HTTPS certificates are not verified, as the kubelet does
 * not), tcpSocket (a connection is accepted), each within the probe's timeout. Thread-safe; calls
 * block up to the timeout.
 */
public final class NetworkProber implements Prober {
  private final ContainerRuntime runtime;

  @Inject
  public NetworkProber(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public ProbeResult probe(Probe probe, ProbeTarget target) {
    Duration timeout = Duration.ofSeconds(Math.max(1, probe.getTimeoutSeconds()));
    if (probe.hasExec()) {
      return exec(probe, target, timeout);
    }
    if (probe.hasHttpGet()) {
      return http(probe.getHttpGet(), target, timeout);
    }
    if (probe.hasTcpSocket()) {
      InetSocketAddress address = address(probe.getTcpSocket().getHost(), probe.getTcpSocket().getPort(), target);
      try (Socket socket = new Socket()) {
        socket.connect(address, (int) timeout.toMillis());
        return ProbeResult.success();
      } catch (IOException e) {
        return ProbeResult.failure("dial tcp " + address.getHostString() + ":" + address.getPort() + ": "
            + e.getMessage());
      }
    }
    return ProbeResult.failure("the probe has no exec, httpGet or tcpSocket action");
  }

  /** Fails with what the command wrote, as the kubelet says it; or, when it wrote nothing, with its exit code. */
  private ProbeResult exec(Probe probe, ProbeTarget target, Duration timeout) {
    try {
      ExecResult result = runtime.exec(target.containerId(), probe.getExec().getCommandList(), timeout);
      if (result.exitCode() == 0) {
        return ProbeResult.success();
      }
      return ProbeResult.failure(result.output().isBlank() ? "command " + probe.getExec().getCommandList()
          + " exited with code " + result.exitCode() : result.output().strip());
    } catch (RuntimeError e) {
      return ProbeResult.failure(e.getMessage());
    }
  }

  private ProbeResult http(HTTPGetAction action, ProbeTarget target, Duration timeout) {
    InetSocketAddress address = address(action.getHost(), action.getPort(), target);
    String scheme = action.getScheme().equalsIgnoreCase("HTTPS") ? "https" : "http";
    String path = action.getPath().startsWith("/") ? action.getPath() : "/" + action.getPath();
    String url = scheme + "://" + address.getHostString() + ":" + address.getPort() + path;
    HttpURLConnection connection = null;
    try {
      URI uri = new URI(scheme, null, address.getHostString(), address.getPort(), null, null, null);
      connection = (HttpURLConnection) URI.create(uri + path).toURL().openConnection();
      if (connection instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(TrustAll.CONTEXT.getSocketFactory());
        https.setHostnameVerifier((host, session) -> true);
      }
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestProperty("User-Agent", "skiff-probe/1.0");
      for (HTTPHeader header : action.getHttpHeadersList()) {
        connection.setRequestProperty(header.getName(), header.getValue());
      }
      int code = connection.getResponseCode();
      try (InputStream body = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (body != null) {
          body.readNBytes(10 * 1024);
        }
      }
      return code >= 200 && code < 400 ? ProbeResult.success()
          : ProbeResult.failure("HTTP probe failed with statuscode: " + code);
    } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
      return ProbeResult.failure("Get \"" + url + "\": " + e.getMessage());
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  /** The probe's host, else the pod's IP, else localhost through the port's published host port. */
  static InetSocketAddress address(String host, int port, ProbeTarget target) {
    if (!host.isEmpty()) {
      return new InetSocketAddress(host, port);
    }
    if (!target.podIp().isEmpty()) {
      return new InetSocketAddress(target.podIp(), port);
    }
    Integer hostPort = target.hostPorts().get(port);
    return new InetSocketAddress("127.0.0.1", hostPort == null ? port : hostPort);
  }

  /** Accepts every certificate: probes check liveness, not identity. */
  private static final class TrustAll {
    static final SSLContext CONTEXT = create();

    private static SSLContext create() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        }}, null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("no TLS in this JVM", e);
      }
    }
  }
}
