package io.skiff.controlplane.registry;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a List starts: the store revision the first page was
 * read at (every page reads the same snapshot) and the next key. Opaque to clients.
 */
record ContinueToken(long revision, ByteString nextKey) {
  String encode() {
    String raw = revision + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(nextKey.toByteArray());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static ContinueToken decode(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      long revision = Long.parseLong(raw.substring(0, colon));
      ByteString key = ByteString.copyFrom(Base64.getUrlDecoder().decode(raw.substring(colon + 1)));
      if (revision <= 0 || key.isEmpty()) {
        throw new IllegalArgumentException();
      }
      return new ContinueToken(revision, key);
    } catch (RuntimeException e) {
      throw ApiException.invalid("continue: not a token this server issued: \"" + token + "\"");
    }
  }
}
