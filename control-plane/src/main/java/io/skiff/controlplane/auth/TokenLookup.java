package io.skiff.controlplane.auth;

import io.skiff.api.v1.StoredToken;
import java.util.Optional;

/** The bearer tokens a master knows, by id (the public half of "ID.SECRET"). */
public interface TokenLookup {
  /** The token with this id, as stored (its secret only as a hash); empty when unknown or revoked. */
  Optional<StoredToken> find(String id);
}
