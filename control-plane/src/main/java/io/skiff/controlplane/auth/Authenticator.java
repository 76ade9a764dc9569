package io.skiff.controlplane.auth;

import io.grpc.Metadata;
import io.skiff.api.v1.Token;
import io.skiff.pki.Subjects;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  private static final String BEARER_PREFIX = "Bearer ";
  /** Only user tokens authenticate API calls; join tokens only Auth/Join. */
  private static final Set<TokenPurpose> USER_TOKENS = EnumSet.of(TokenPurpose.USER);

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
    String bearer = authorization.startsWith(BEARER_PREFIX) ? authorization.substring(BEARER_PREFIX.length()) : "";
    Optional<Token> token = tokens.verify(bearer, USER_TOKENS, clock).filter(t -> !t.getUser().isEmpty());
    if (token.isEmpty()) {
      log.debug("refused bearer token {}: unknown, revoked, expired, wrong secret, or not a user token",
          BearerToken.parse(bearer).map(BearerToken::id).orElse("(malformed)"));
      return Optional.empty();
    }
    return Optional.of(new Identity(token.get().getUser(), withAuthenticated(token.get().getGroupsList()), "token"));
  }

  private static List<String> withAuthenticated(List<String> groups) {
    List<String> all = new ArrayList<>(groups);
    if (!all.contains(Identity.AUTHENTICATED_GROUP)) {
      all.add(Identity.AUTHENTICATED_GROUP);
    }
    return all;
  }
}
