package exo.engine.java.tensor;

import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * A vector width a kernel runs at. Kernels take one as an argument so that tests can run the
 * production code at every width, not only the preferred one.
 *
 * <p>Why a class per width rather than a {@link Species} argument: the Vector API compiles to
 * plain SIMD instructions only where C2 sees the species as a constant. A species passed in as a
 * value is not one when C2 compiles a kernel on its own, and the kernel then runs boxed, tens of
 * times slower. A width's type, though, is profiled: in a process that uses one width (every
 * process but the tests), {@code width.species()} devirtualises to a {@code static final}
 * record, whose trusted final fields fold to constants.
 */
abstract sealed class VectorWidth permits VectorWidth.Bits64, VectorWidth.Bits128, VectorWidth.Bits256,
        VectorWidth.Bits512 {

    /** The width of {@link FloatVector#SPECIES_PREFERRED}; the only one production code uses. */
    static final VectorWidth PREFERRED = forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());

    abstract Species species();

    static VectorWidth forBits(int bits) {
        return switch (bits) {
            case 64 -> new Bits64();
            case 128 -> new Bits128();
            case 256 -> new Bits256();
            case 512 -> new Bits512();
            default -> throw new IllegalArgumentException("no float vector of " + bits + " bits");
        };
    }

    /** Every width, for tests. */
    static List<VectorWidth> all() {
        return List.of(new Bits64(), new Bits128(), new Bits256(), new Bits512());
    }

    @Override
    public String toString() {
        return species().floats().vectorBitSize() + "-bit";
    }

    static final class Bits64 extends VectorWidth {
        private static final Species SPECIES = Species.ofFloatBits(64);

        @Override
        Species species() {
            return SPECIES;
        }
    }

    static final class Bits128 extends VectorWidth {
        private static final Species SPECIES = Species.ofFloatBits(128);

        @Override
        Species species() {
            return SPECIES;
        }
    }

    static final class Bits256 extends VectorWidth {
        private static final Species SPECIES = Species.ofFloatBits(256);

        @Override
        Species species() {
            return SPECIES;
        }
    }

    static final class Bits512 extends VectorWidth {
        private static final Species SPECIES = Species.ofFloatBits(512);

        @Override
        Species species() {
            return SPECIES;
        }
    }
}
