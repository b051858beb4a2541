package io.purefuse.backend.routing;

/**
 * MurmurHash3 x86 32-bit with seed 0, over bytes: the function Alluxio's ring uses (Guava's
 * {@code Hashing.murmur3_32_fixed()}; for byte input the "fixed" and original variants agree).
 * Kept here so the client needs no Guava on its routing path; tests check it against Guava.
 */
public final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** The hash of {@code data[0..len)} as Guava's {@code HashCode.asInt()} returns it. */
  public static int hash32(byte[] data, int len) {
    int h1 = 0;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      h1 ^= mixK1(k1);
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    for (int shift = 0; i < len; i++, shift += 8) {
      k1 ^= (data[i] & 0xff) << shift;
    }
    h1 ^= mixK1(k1);
    h1 ^= len;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }

  private static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    k1 *= C2;
    return k1;
  }
}
