package exo.engine.java.tensor;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species one kernel works with: a float species and the narrow species whose loads feed
 * it. A narrow species has as many lanes as the float one, or 64 bits when that would be
 * smaller (there is no 32-bit byte vector); {@code byteParts}/{@code shortParts} say how many
 * float vectors one narrow load converts into (the {@code part} argument of convertShape).
 *
 * <p>The integer kernels multiply int16 lanes and sum adjacent pairs into int32 lanes, so they
 * work with {@code pairShorts} (twice the float lanes, same bits) fed by {@code pairBytes}
 * (as many lanes as pairShorts, or 64 bits), {@code pairByteParts} conversions per load.
 */
record Species(VectorSpecies<Float> floats, VectorSpecies<Byte> bytes, VectorSpecies<Short> shorts,
               VectorSpecies<Integer> ints, int byteParts, int shortParts,
               VectorSpecies<Short> pairShorts, VectorSpecies<Byte> pairBytes, int pairByteParts) {

    Species {
        int lanes = floats.length();
        if (lanes * byteParts != bytes.length() || lanes * shortParts != shorts.length() || ints.length() != lanes
                || pairShorts.length() != 2 * lanes || pairShorts.length() * pairByteParts != pairBytes.length()) {
            throw new IllegalArgumentException("inconsistent species for " + floats);
        }
    }

    static Species ofFloatBits(int bits) {
        VectorSpecies<Float> floats = VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        int lanes = floats.length();
        VectorSpecies<Byte> bytes = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, lanes * 8)));
        VectorSpecies<Short> shorts = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, lanes * 16)));
        VectorSpecies<Integer> ints = VectorSpecies.of(int.class, VectorShape.forBitSize(bits));
        VectorSpecies<Short> pairShorts = VectorSpecies.of(short.class, VectorShape.forBitSize(bits));
        VectorSpecies<Byte> pairBytes = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, bits / 2)));
        return new Species(floats, bytes, shorts, ints, bytes.length() / lanes, shorts.length() / lanes,
                pairShorts, pairBytes, pairBytes.length() / pairShorts.length());
    }
}
