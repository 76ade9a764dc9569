package io.skiff.controlplane.auth;

import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.skiff.api.v1.StoredToken;
import io.skiff.api.v1.Token;
import io.skiff.pki.Subjects;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a call comes from: a client certificate the TLS handshake verified against the cluster CA,
 * else a bearer token ({@code authorization: Bearer ID.SECRET}) of purpose "user". Every failure is
 * the same to the caller (empty); only the debug log says which, and names a token by its id only.
 * Thread-safe.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Pattern BEARER = Pattern.compile("Bearer ([a-z0-9]{6})\\.([a-z0-9]{32})");
  public static final String USER_PURPOSE = "user";

  private final TokenLookup tokens;
  private final Clock clock;

  public Authenticator(TokenLookup tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** The caller, or empty when it proved nothing this server accepts. */
  public Optional<Identity> authenticate(Metadata headers, SSLSession session) {
    Optional<X509Certificate> certificate = Subjects.peer(session);
    if (certificate.isPresent()) {
      // the handshake verified the chain against the cluster CA: a certificate it let through is trusted
      X509Certificate cert = certificate.get();
      String user = Subjects.commonName(cert);
      if (user.isEmpty()) {
        log.debug("refused a client certificate with no common name");
        return Optional.empty();
      }
      return Optional.of(new Identity(user, withAuthenticated(Subjects.organizations(cert)), "certificate"));
    }
    String authorization = headers.get(AUTHORIZATION);
    if (authorization == null) {
      log.debug("refused a call with no credentials");
      return Optional.empty();
    }
    if (session == null) {
      log.debug("refused a bearer token sent without TLS");
      return Optional.empty();
    }
    Matcher bearer = BEARER.matcher(authorization);
    if (!bearer.matches()) {
      log.debug("refused a malformed authorization header");
      return Optional.empty();
    }
    return byToken(bearer.group(1), bearer.group(2));
  }

  private Optional<Identity> byToken(String id, String secret) {
    Optional<StoredToken> stored = tokens.find(id);
    if (stored.isEmpty()) {
      log.debug("refused token {}: unknown or revoked", id);
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(sha256(secret), stored.get().getSecretSha256().toByteArray())) {
      log.debug("refused token {}: wrong secret", id);
      return Optional.empty();
    }
    Token token = stored.get().getToken();
    if (token.hasExpires() && !instant(token.getExpires()).isAfter(clock.instant())) {
      log.debug("refused token {}: expired", id);
      return Optional.empty();
    }
    if (!token.getPurpose().equals(USER_PURPOSE) || token.getUser().isEmpty()) {
      log.debug("refused token {}: purpose {} does not authenticate API calls", id, token.getPurpose());
      return Optional.empty();
    }
    return Optional.of(new Identity(token.getUser(), withAuthenticated(token.getGroupsList()), "token"));
  }

  private static List<String> withAuthenticated(List<String> groups) {
    List<String> all = new ArrayList<>(groups);
    if (!all.contains(Identity.AUTHENTICATED_GROUP)) {
      all.add(Identity.AUTHENTICATED_GROUP);
    }
    return all;
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** The SHA-256 of a token's secret, as stored. */
  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
