package io.skiff.controlplane.auth;

import io.skiff.api.v1.StoredToken;
import io.skiff.api.v1.Token;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The bearer tokens a master knows, by id (the public half of "ID.SECRET"). */
public interface TokenLookup {
  /** The token with this id, as stored (its secret only as a hash); empty when unknown or revoked. */
  Optional<StoredToken> find(String id);

  /**
   * The token {@code bearer} ("ID.SECRET") proves, if it is known, its secret matches, its purpose is
   * one of {@code purposes}, and it has not expired by {@code clock}. Empty otherwise, whatever the
   * reason: callers answer every refusal alike.
   */
  default Optional<Token> verify(String bearer, Set<TokenPurpose> purposes, Clock clock) {
    Optional<BearerToken> parsed = BearerToken.parse(bearer);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Optional<StoredToken> stored = find(parsed.get().id());
    if (stored.isEmpty()
        || !MessageDigest.isEqual(parsed.get().secretSha256(), stored.get().getSecretSha256().toByteArray())) {
      return Optional.empty();
    }
    Token token = stored.get().getToken();
    Optional<TokenPurpose> purpose = TokenPurpose.parse(token.getPurpose());
    if (purpose.isEmpty() || !purposes.contains(purpose.get()) || expired(token, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  /** Whether {@code token} has expired at {@code now}; a token without an expiry never does. */
  static boolean expired(Token token, Instant now) {
    return token.hasExpires()
        && !now.isBefore(Instant.ofEpochSecond(token.getExpires().getSeconds(), token.getExpires().getNanos()));
  }
}
