package exo.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingMemoryWeightedTest {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;
    private final RingMemoryWeighted strategy = new RingMemoryWeighted();

    private static List<DeviceCapabilities> devices(long... memory) {
        List<DeviceCapabilities> d = new ArrayList<>();
        for (int i = 0; i < memory.length; i++) {
            d.add(DeviceCapabilities.hypothetical("n" + (char) ('a' + i), memory[i]));
        }
        return d;
    }

    private static int[] counts(Partition p) {
        return p.ring().stream().mapToInt(a -> a.shard().layerCount()).toArray();
    }

    private static List<String> order(Partition p) {
        return p.ring().stream().map(a -> a.device().name()).toList();
    }

    /** Llama 3.2 1B: its 128k x 2048 head is four blocks' work, which the tail does besides its layers. */
    @Test
    void theTailsOutputHeadCountsAsWork() {
        ModelShape llama1b = new ModelShape(16, 2048, 32, 8, 64, 8192, 128256, true);
        assertEquals(4, llama1b.outputHeadLayers());
        RingMemoryWeighted counting = RingMemoryWeighted.forModel(llama1b);
        assertEquals("[10, 6]", Arrays.toString(counts(counting.partition(devices(16 * GB, 16 * GB), "m", 16, null))),
                "two equal machines: 10 layers against 6 and the head");
        assertEquals("[8, 8]", Arrays.toString(counts(strategy.partition(devices(16 * GB, 16 * GB), "m", 16, null))));
        // Three machines share 20 blocks' work: 6, 7 and the tail's 3 + 4 (boundaries floor(20/3) and floor(40/3)).
        assertEquals("[6, 7, 3]", Arrays.toString(counts(counting.partition(devices(8 * GB, 8 * GB, 8 * GB), "m", 16,
                null))));
        // A head heavier than the tail's share still leaves the tail one layer.
        ModelShape tiny = new ModelShape(2, 64, 4, 4, 16, 128, 32000, false);
        assertEquals("[1, 1]", Arrays.toString(counts(RingMemoryWeighted.forModel(tiny).partition(
                devices(GB, GB), "m", 2, null))));
    }

    @Test
    void agreesWithExoWhereExoIsRight() {
        Partition p = strategy.partition(devices(3000 * MB, 1000 * MB, 6000 * MB), "m", 32, null);
        assertEquals(List.of("nc", "na", "nb"), order(p));
        assertEquals("[19, 9, 4]", Arrays.toString(counts(p)));

        Partition q = strategy.partition(devices(128 * GB, 192 * GB, 128 * GB), "m", 80, null);
        assertEquals(List.of("nb", "na", "nc"), order(q), "ties by name");
        assertEquals("[34, 23, 23]", Arrays.toString(counts(q)));
        assertEquals(Role.HEAD, q.head().role());
        assertEquals(Role.MIDDLE, q.ring().get(1).role());
        assertEquals(Role.TAIL, q.tail().role());
    }

    @Test
    void tinyMachinesStillGetALayerWhereExoLeftThemEmpty() {
        // exo: floor(16*1000/1015)=15, floor(16*1010/1015)=15 -> an empty middle shard.
        Partition p = strategy.partition(devices(1000 * MB, 10 * MB, 5 * MB), "m", 16, null);
        assertEquals("[14, 1, 1]", Arrays.toString(counts(p)));
        assertEquals(List.of("na", "nb", "nc"), order(p));
    }

    @Test
    void moreMachinesThanLayersLeavesTheSmallestOut() {
        Partition p = strategy.partition(devices(8 * GB, 1 * GB, 4 * GB, 2 * GB, 16 * GB), "m", 3, null);
        assertEquals(List.of("ne", "na", "nc"), order(p));
        assertEquals("[1, 1, 1]", Arrays.toString(counts(p)));
        assertEquals(List.of("nd", "nb"), p.excluded().stream().map(e -> e.device().name()).toList());
        assertTrue(p.excluded().getFirst().reason().contains("more machines than the 3 layers"));
    }

    @Test
    void equalMemorySplitsEvenly() {
        assertEquals("[8, 8, 8, 8]", Arrays.toString(counts(strategy.partition(devices(4, 4, 4, 4), "m", 32, null))));
        assertEquals("[2, 2, 3]", Arrays.toString(counts(strategy.partition(devices(4, 4, 4), "m", 7, null))));
    }

    @Test
    void oneMachineHoldsEverything() {
        Partition p = strategy.partition(devices(GB), "m", 5, null);
        assertEquals(1, p.ring().size());
        assertEquals(Role.HEAD_AND_TAIL, p.head().role());
        assertTrue(p.head().shard().isWhole());
    }

    @Test
    void zeroMemoryMachinesAreLeftOutAndAllZeroIsAnError() {
        Partition p = strategy.partition(devices(0, 4 * GB), "m", 10, null);
        assertEquals(List.of("nb"), order(p));
        assertEquals("no usable memory", p.excluded().getFirst().reason());
        var e = assertThrows(exo.InvalidInputException.class, () -> strategy.partition(devices(0, 0), "m", 10, null));
        assertTrue(e.getMessage().contains("no machine has usable memory"));
        assertThrows(exo.InvalidInputException.class, () -> strategy.partition(List.of(), "m", 10, null));
    }

    @Test
    void tailMovesToTheEndWithItsShareKept() {
        Partition p = strategy.partition(devices(3000 * MB, 1000 * MB, 6000 * MB), "m", 32, "nc");
        assertEquals(List.of("na", "nb", "nc"), order(p));
        assertEquals("[9, 3, 20]", Arrays.toString(counts(p)));
        assertEquals(Role.TAIL, p.tail().role());
        assertTrue(p.tail().shard().isLast());
    }

    @Test
    void theTailStaysInTheRingEvenWhenItIsTheSmallest() {
        Partition p = strategy.partition(devices(8 * GB, 4 * GB, 1 * GB), "m", 2, "nc");
        assertEquals(List.of("na", "nc"), order(p));
        assertEquals("nb", p.excluded().getFirst().device().name());
    }

    @Test
    void unknownTailAndDuplicateNamesAreErrors() {
        assertThrows(exo.InvalidInputException.class, () -> strategy.partition(devices(1, 2), "m", 4, "zz"));
        List<DeviceCapabilities> dup = List.of(DeviceCapabilities.hypothetical("x", 1), DeviceCapabilities.hypothetical("x", 2));
        assertThrows(exo.InvalidInputException.class, () -> strategy.partition(dup, "m", 4, null));
    }

    /** Property: random machine sets and layer counts always give valid rings. */
    @Test
    void randomRingsAreAlwaysValid() {
        Random rnd = new Random(20261125);
        for (int trial = 0; trial < 20_000; trial++) {
            int machines = 1 + rnd.nextInt(12);
            int layers = 1 + rnd.nextInt(130);
            long[] mem = new long[machines];
            for (int i = 0; i < machines; i++) {
                mem[i] = switch (rnd.nextInt(4)) {
                    case 0 -> 1 + rnd.nextInt(1000);
                    case 1 -> (1 + rnd.nextInt(256)) * GB;
                    case 2 -> 16 * GB;
                    default -> Math.abs(rnd.nextLong() >>> 8) + 1;
                };
            }
            List<DeviceCapabilities> ds = devices(mem);
            String tail = rnd.nextBoolean() ? ds.get(rnd.nextInt(machines)).name() : null;
            Partition p = strategy.partition(ds, "m", layers, tail);
            String label = "trial " + trial + " mem " + Arrays.toString(mem) + " layers " + layers + " tail " + tail;

            assertEquals(Math.min(machines, layers), p.ring().size(), label);
            assertEquals(machines, p.ring().size() + p.excluded().size(), label);
            int next = 0;
            for (Assignment a : p.ring()) {
                assertEquals(next, a.shard().start(), label);
                assertTrue(a.shard().layerCount() >= 1, label);
                next = a.shard().end();
            }
            assertEquals(layers, next, label);
            if (tail != null) {
                assertEquals(tail, p.tail().device().name(), label);
            }

            double total = p.ring().stream().mapToDouble(a -> a.device().memoryBytes()).sum();
            boolean everyShareAtLeastOne = p.ring().stream()
                    .allMatch(a -> a.device().memoryBytes() / total * layers >= 1.0);
            if (everyShareAtLeastOne) {
                for (Assignment a : p.ring()) {
                    double share = a.device().memoryBytes() / total * layers;
                    assertTrue(Math.abs(a.shard().layerCount() - share) < 1.0 + 1e-9, label + " share " + share);
                }
            }
        }
    }
}
