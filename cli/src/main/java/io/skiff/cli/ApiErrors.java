package io.skiff.cli;

import io.grpc.Status;
import java.time.Duration;

/** gRPC failures worded for a user: what the master said, or which masters could not be reached. */
public final class ApiErrors {
  private ApiErrors() {
  }

  /** True when no master answered at all: nothing else will work either, so a command stops at once. */
  public static boolean isConnectionFailure(io.grpc.StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  public static String describe(Status status, Session session) {
    String endpoints = session == null ? "" : session.endpointsText();
    String description = status.getDescription() == null ? "" : status.getDescription();
    switch (status.getCode()) {
      case UNAVAILABLE:
        if (isTlsFailure(status.getCause())) {
          return "no TLS connection to the masters (tried " + endpoints + "): " + rootCause(status)
              + " (is the CA file, --ca-file or the context's certificate-authority, this cluster's ca.crt, and "
              + "does each master's certificate name the host used for it?)";
        }
        if (status.getCause() != null || description.isEmpty() || description.startsWith("io exception")) {
          return "cannot reach any master (tried " + endpoints + "): " + rootCause(status);
        }
        return "the masters are unavailable (tried " + endpoints + "): " + description;
      case DEADLINE_EXCEEDED:
        return "no answer within " + format(session == null ? null : session.timeout()) + " (masters " + endpoints
            + "); --request-timeout sets how long to wait";
      case UNAUTHENTICATED:
        return "the masters did not accept this client's credentials" + (description.isEmpty() ? "" : ": "
            + description) + " (give a client certificate or a token: --cert-file/--key-file, --token, or the "
            + "context's client-certificate, client-key, token; `skiff config set-context --help`)";
      case PERMISSION_DENIED:
        return (description.isEmpty() ? "permission denied" : description)
            + " (a cluster admin can grant a role: `skiff token create --role`, `skiff certificate create --role`, "
            + "or a RoleBinding)";
      case CANCELLED:
        return "the request was cancelled" + (description.isEmpty() ? "" : ": " + description);
      default:
        return description.isEmpty() ? status.getCode().toString() : description;
    }
  }

  private static boolean isTlsFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  private static String rootCause(Status status) {
    Throwable t = status.getCause();
    if (t == null) {
      return status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    // netty's connect errors read "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:6443";
    // the endpoints are listed already
    int colon = message.indexOf(": /");
    message = colon > 0 ? message.substring(0, colon) : message;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("error\\(-?[0-9]+\\): (.*)").matcher(message);
    return (m.find() ? m.group(1) : message).toLowerCase(java.util.Locale.ROOT);
  }

  private static String format(Duration timeout) {
    if (timeout == null) {
      return "the timeout";
    }
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
