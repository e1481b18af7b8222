package exo.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeNamesTest {
    private static Map<String, String> nodes(String... idThenName) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < idThenName.length; i += 2) {
            m.put(idThenName[i], idThenName[i + 1]);
        }
        return m;
    }

    @Test
    void aNameNoOtherNodeHasIsTheLabel() {
        assertEquals(Map.of("exo-231c3cf7e9189a1a", "studio", "exo-b457ab11d3531ac4", "mbp"),
                NodeNames.labels(nodes("exo-231c3cf7e9189a1a", "studio", "exo-b457ab11d3531ac4", "mbp")));
    }

    @Test
    void twoMachinesOfOneHostNameGetAPieceOfTheirIds() {
        Map<String, String> labels = NodeNames.labels(nodes("exo-231c3cf7e9189a1a", "vm", "exo-b457ab11d3531ac4", "vm",
                "exo-0000000000000001", "mbp"));
        assertEquals("vm-231c", labels.get("exo-231c3cf7e9189a1a"));
        assertEquals("vm-b457", labels.get("exo-b457ab11d3531ac4"));
        assertEquals("mbp", labels.get("exo-0000000000000001"), "a name only one node has stays bare");
    }

    @Test
    void idsAlikeInTheirFirstCharactersGetAsManyAsTellThemApart() {
        Map<String, String> labels = NodeNames.labels(nodes("exo-231c3cf7e9189a1a", "vm", "exo-231c4cf7e9189a1a", "vm",
                "exo-231d000000000000", "vm"));
        assertEquals("vm-231c3", labels.get("exo-231c3cf7e9189a1a"));
        assertEquals("vm-231c4", labels.get("exo-231c4cf7e9189a1a"));
        assertEquals("vm-231d0", labels.get("exo-231d000000000000"));
    }

    @Test
    void twoProcessesOfOneHomeKeepTheirClaimNumber() {
        // exo node and exo chat started from one home: the second id is the first with "-2".
        Map<String, String> labels = NodeNames.labels(nodes("exo-583d4162bfed6cb5", "vm", "exo-583d4162bfed6cb5-2", "vm",
                "exo-583d4162bfed6cb5-3", "vm"));
        assertEquals("vm-583d", labels.get("exo-583d4162bfed6cb5"));
        assertEquals("vm-583d-2", labels.get("exo-583d4162bfed6cb5-2"));
        assertEquals("vm-583d-3", labels.get("exo-583d4162bfed6cb5-3"));
    }

    @Test
    void idsChosenWithNodeIdAreShortenedLikeAnyOther() {
        Map<String, String> labels = NodeNames.labels(nodes("node-a", "vm", "node-b", "vm", "x", "vm"));
        assertEquals("vm-node-a", labels.get("node-a"));
        assertEquals("vm-node-b", labels.get("node-b"));
        assertEquals("vm-x", labels.get("x"));
    }

    @Test
    void aLabelThatIsAnotherNodesNameFallsBackToTheFullId() {
        // Someone named a machine "vm-231c": the label vm-231c would name two nodes.
        Map<String, String> labels = NodeNames.labels(nodes("exo-231c3cf7e9189a1a", "vm", "exo-b457ab11d3531ac4", "vm",
                "exo-9999999999999999", "vm-231c"));
        assertEquals("vm (exo-231c3cf7e9189a1a)", labels.get("exo-231c3cf7e9189a1a"));
        assertEquals("vm-231c (exo-9999999999999999)", labels.get("exo-9999999999999999"));
        assertEquals("vm-b457", labels.get("exo-b457ab11d3531ac4"));
        assertEquals(3, labels.values().stream().distinct().count());
    }

    @Test
    void labelsKeepTheOrderGiven() {
        assertEquals(java.util.List.of("c", "a", "b"), java.util.List.copyOf(NodeNames.labels(nodes("3", "c", "1", "a",
                "2", "b")).values()));
    }

    @Test
    void shortIds() {
        assertEquals("583d", NodeNames.shortId("exo-583d4162bfed6cb5", 4));
        assertEquals("583d41-12", NodeNames.shortId("exo-583d4162bfed6cb5-12", 6));
        assertEquals("abc", NodeNames.shortId("exo-abc", 4));
        assertEquals("exo-", NodeNames.shortId("exo-", 4));
        assertThrows(IllegalArgumentException.class, () -> NodeNames.shortId("exo-abc", 0));
    }
}
