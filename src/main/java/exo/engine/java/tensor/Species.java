package exo.engine.java.tensor;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species one kernel works with: a float species and the narrow species whose loads feed
 * it. A narrow species has as many lanes as the float one, or 64 bits when that would be
 * smaller (there is no 32-bit byte vector); {@code byteParts}/{@code shortParts} say how many
 * float vectors one narrow load converts into (the {@code part} argument of convertShape).
 */
record Species(VectorSpecies<Float> floats, VectorSpecies<Byte> bytes, VectorSpecies<Short> shorts,
               VectorSpecies<Integer> ints, int byteParts, int shortParts) {

    Species {
        if (floats.length() * byteParts != bytes.length() || floats.length() * shortParts != shorts.length()
                || ints.length() != floats.length()) {
            throw new IllegalArgumentException("inconsistent species for " + floats);
        }
    }

    static Species ofFloatBits(int bits) {
        VectorSpecies<Float> floats = VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        int lanes = floats.length();
        VectorSpecies<Byte> bytes = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, lanes * 8)));
        VectorSpecies<Short> shorts = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, lanes * 16)));
        VectorSpecies<Integer> ints = VectorSpecies.of(int.class, VectorShape.forBitSize(bits));
        return new Species(floats, bytes, shorts, ints, bytes.length() / lanes, shorts.length() / lanes);
    }
}
