package exo.discovery.manual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.discovery.PeerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticPeersTest {

    @Test
    void parsesAList() {
        assertEquals(List.of(new PeerAddress("10.0.0.2", 52415), new PeerAddress("studio.lan", 7000),
                        new PeerAddress("fe80::1", 9)),
                StaticPeers.parseList(" 10.0.0.2:52415, studio.lan:7000,[fe80::1]:9,"));
        assertEquals(List.of(), StaticPeers.parseList(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "studio.lan        | bad peer 'studio.lan': expected HOST:PORT",
        "studio.lan:       | bad peer 'studio.lan:': port '' is not a number",
        "studio.lan:http   | bad peer 'studio.lan:http': port 'http' is not a number",
        "studio.lan:0      | bad peer 'studio.lan:0': port 0 is not in 1-65535",
        "studio.lan:65536  | bad peer 'studio.lan:65536': port 65536 is not in 1-65535",
        ":7000             | bad peer ':7000': the host is empty",
        "fe80::1:7000      | bad peer 'fe80::1:7000': an IPv6 address needs brackets, [ADDRESS]:PORT",
        "[fe80::1]7000     | bad peer '[fe80::1]7000': expected [IPV6]:PORT",
        "[fe80::1         | bad peer '[fe80::1': expected [IPV6]:PORT",
    })
    void badEntriesAreNamed(String entry, String message) {
        assertEquals(message, assertThrows(exo.InvalidInputException.class, () -> StaticPeers.parse(entry)).getMessage());
    }

    @Test
    void aBadEntryInAListIsNamed() {
        var e = assertThrows(exo.InvalidInputException.class, () -> StaticPeers.parseList("a:1,b:x,c:3"));
        assertEquals("bad peer 'b:x': port 'x' is not a number", e.getMessage());
    }

    @Test
    void readsAPeersFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("peers");
        Files.writeString(file, """
                # the lab
                10.0.0.2:52415
                  studio.lan:7000   # the desk machine

                [fe80::1]:9
                """);
        assertEquals(List.of(new PeerAddress("10.0.0.2", 52415), new PeerAddress("studio.lan", 7000),
                new PeerAddress("fe80::1", 9)), StaticPeers.readFile(file));
    }

    @Test
    void aBadLineInAPeersFileIsNamedWithItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("peers");
        Files.writeString(file, "# lab\n10.0.0.2:52415\nstudio.lan\n");
        var e = assertThrows(exo.InvalidInputException.class, () -> StaticPeers.readFile(file));
        assertEquals(file + ":3: bad peer 'studio.lan': expected HOST:PORT", e.getMessage());
    }
}
