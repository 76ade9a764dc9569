package io.skiff.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A bearer token, "ID.SECRET" (as kubeadm's bootstrap tokens): the ID names the token and may be
 * shown and logged; the SECRET proves it and is kept by the cluster only as its SHA-256.
 * {@link #toString} shows the ID only, so a token in a log line or a message never leaks its secret.
 */
public record BearerToken(String id, String secret) {
  public static final int ID_LENGTH = 6;
  public static final int SECRET_LENGTH = 32;
  private static final Pattern ID = Pattern.compile("[a-z0-9]{" + ID_LENGTH + "}");
  private static final Pattern BEARER = Pattern.compile("[a-z0-9]{" + ID_LENGTH + "}\\.[a-z0-9]{" + SECRET_LENGTH + "}");
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  public BearerToken {
    if (!BEARER.matcher(id + "." + secret).matches()) {
      throw new IllegalArgumentException("a bearer token is ID.SECRET: 6 and 32 characters [a-z0-9]");
    }
  }

  /** The token in {@code text}, when it has the form ID.SECRET. */
  public static Optional<BearerToken> parse(String text) {
    if (text == null || !BEARER.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(new BearerToken(text.substring(0, ID_LENGTH), text.substring(ID_LENGTH + 1)));
  }

  /** A new token drawn from {@code random} (a SecureRandom outside tests). */
  public static BearerToken generate(RandomGenerator random) {
    return new BearerToken(draw(random, ID_LENGTH), draw(random, SECRET_LENGTH));
  }

  /** Whether {@code text} has the form of a token ID. */
  public static boolean isId(String text) {
    return text != null && ID.matcher(text).matches();
  }

  /** "ID.SECRET", what a client sends. */
  public String text() {
    return id + "." + secret;
  }

  public byte[] secretSha256() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[id=" + id + "]";
  }

  private static String draw(RandomGenerator random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
