package exo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A report with a row through a ring: its columns in every form. */
class BenchReportTest {
    private static BenchRow row(int nodes, Optional<RingFigures> ring) {
        return new BenchRow("m", 1 << 20, 1000, "ggml", "CPU", 2, nodes, 1, "tg16", 100, 5, 100, 10,
                OptionalDouble.empty(), OptionalDouble.empty(), ring);
    }

    private static final RingFigures RING = new RingFigures(0.75, 8196, List.of(
            new RingFigures.NodeShare("a", "0-7", 0.40, 0.05), new RingFigures.NodeShare("tail", "8-15", 0.35, 0)));

    @Test
    void ringColumnsAppearOnlyWhenSomeRowRanThroughARing() throws Exception {
        BenchReport alone = new BenchReport(List.of(row(1, Optional.empty())), OptionalDouble.empty());
        assertEquals("of bandwidth", alone.columns().getLast());
        assertEquals(alone.columns().size(), alone.cells().getFirst().size());

        BenchReport both = new BenchReport(List.of(row(1, Optional.empty()), row(2, Optional.of(RING))),
                OptionalDouble.empty());
        assertEquals(List.of("hop ms", "wire/token", "busy"), both.columns().subList(both.columns().size() - 3,
                both.columns().size()));
        assertEquals(List.of("-", "-", "-"), both.cells().get(0).subList(14, 17));
        assertEquals(List.of("0.75", "8.0 KiB", "a 40% · tail 35%"), both.cells().get(1).subList(14, 17));

        JsonNode ring = new ObjectMapper().readTree(both.json()).get("results").get(1).get("ring");
        assertEquals(0.75, ring.get("hop_ms").asDouble(), 1e-12);
        assertEquals(8196, ring.get("wire_bytes_per_token").asDouble(), 1e-12);
        assertEquals("0-7", ring.get("nodes").get(0).get("layers").asText());
        assertEquals(0.55, ring.get("nodes").get(0).get("waiting_share").asDouble(), 1e-12);
        assertTrue(new ObjectMapper().readTree(both.json()).get("results").get(0).get("ring").isNull());

        List<String> csv = both.csv().strip().lines().toList();
        assertTrue(csv.get(2).endsWith(",0.7500,8196.0,a=0.4000;tail=0.3500"), csv.get(2));
        assertTrue(csv.get(1).endsWith(",,,"), csv.get(1));
    }
}
