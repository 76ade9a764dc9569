package io.skiff.store.mvcc;

import com.google.protobuf.ByteString;
import java.util.Comparator;

/**
 * etcd's key-range convention: an empty {@code end} names the single key
 * {@code start}; {@code end == "\0"} means every key {@code >= start}; otherwise
 * the half-open interval {@code [start, end)}. A range with {@code start == "\0"}
 * and {@code end == "\0"} is the whole key space. Keys compare as unsigned bytes.
 */
public record KeyRange(ByteString start, ByteString end) {
  public static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  public static KeyRange of(ByteString key, ByteString rangeEnd) {
    return new KeyRange(key, rangeEnd);
  }

  public boolean isSingleKey() {
    return end.isEmpty();
  }

  /** True when the range has no upper bound. */
  public boolean isUnbounded() {
    return end.equals(ZERO);
  }

  public boolean contains(ByteString key) {
    if (isSingleKey()) {
      return start.equals(key);
    }
    if (ORDER.compare(key, start) < 0) {
      return false;
    }
    return isUnbounded() || ORDER.compare(key, end) < 0;
  }

  /** True when the two ranges share at least one key. */
  public boolean overlaps(KeyRange other) {
    if (isSingleKey()) {
      return other.contains(start);
    }
    if (other.isSingleKey()) {
      return contains(other.start);
    }
    boolean thisStartsBeforeOtherEnds = other.isUnbounded() || ORDER.compare(start, other.end) < 0;
    boolean otherStartsBeforeThisEnds = isUnbounded() || ORDER.compare(other.start, end) < 0;
    return thisStartsBeforeOtherEnds && otherStartsBeforeThisEnds;
  }

  /** The smallest key after every key with this prefix, as etcd's {@code GetPrefixRangeEnd}. */
  public static ByteString prefixEnd(ByteString prefix) {
    byte[] bytes = prefix.toByteArray();
    for (int i = bytes.length - 1; i >= 0; i--) {
      if ((bytes[i] & 0xff) != 0xff) {
        bytes[i]++;
        return ByteString.copyFrom(bytes, 0, i + 1);
      }
    }
    return ZERO; // prefix of only 0xff bytes (or empty): no upper bound
  }
}
