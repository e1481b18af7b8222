package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ./exo chat as a script uses it: a real process with piped stdin, answers on stdout. */
class ChatIT {
    static ExoWithInput.Result chat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("chat", "--model-file", TestModels.stories260K().toString(),
                "--temperature", "0", "-n", "20", "--discovery", "static"));
        cmd.addAll(List.of(args));
        return ExoWithInput.run(stdin, cmd);
    }

    @Test
    void pipedLinesAreTurnsAndExitEndsWithZero() throws Exception {
        ExoWithInput.Result r = chat("Hello\n/stats\n/exit\nNever answered\n");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("last answer: prompt "), r.out());
        assertTrue(lines.get(2).startsWith("conversation: "), r.out());
        // stderr says which engine computes, and nothing else of exo's (no warnings, no errors)
        assertEquals(List.of(), r.err().lines().filter(l -> l.contains("exo:") && !l.startsWith("exo: engine "))
                .toList(), r.err());
    }

    @Test
    void theEndOfInputEndsWithZero() throws Exception {
        ExoWithInput.Result once = chat("Hello");
        assertEquals(0, once.code(), once.err());
        assertEquals(1, once.out().lines().count(), once.out());
        ExoWithInput.Result again = chat("Hello\n");
        assertEquals(once.out(), again.out(), "greedy answers repeat across processes");
    }

    /** A message too long for the context is refused with one line; piped, the run then exits 2 as exo run does. */
    @Test
    void aRefusedMessageFromAPipeEndsWithTwo() throws Exception {
        ExoWithInput.Result r = chat("Hello\n" + "once upon a time ".repeat(40) + "\nHello again\n", "--context", "64");
        assertEquals(2, r.code(), r.err());
        assertEquals(2, r.out().lines().count(), "the other two messages were answered: " + r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("exo: the prompt needs ")
                && l.endsWith("(/reset starts a new conversation)")).count(), "one line for the refusal: " + r.err());
    }

    /** Nothing silent: a named peer that does not answer is said with why, and so is running alone. */
    @Test
    void aPeerThatDoesNotAnswerIsNamedAndRequirePeersRefusesToRunAlone() throws Exception {
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once this closes
        }
        String peer = "127.0.0.1:" + closed;
        ExoWithInput.Result alone = chat("Hello\n", "--peers", peer, "--host", "127.0.0.1", "--wait-ms", "2000");
        assertEquals(0, alone.code(), alone.err());
        assertTrue(alone.err().contains("exo: peer " + peer + ": "), alone.err());
        assertTrue(alone.err().contains("planning without it"), alone.err());
        assertTrue(alone.err().contains("exo: no peer answered; running on this machine alone"), alone.err());
        assertTrue(alone.err().contains("exo: ring: "), "the plan that runs is printed: " + alone.err());
        assertFalse(alone.out().isBlank(), "it answered anyway");

        ExoWithInput.Result required = chat("Hello\n", "--peers", peer, "--host", "127.0.0.1", "--wait-ms", "2000",
                "--require-peers");
        assertEquals(1, required.code(), required.err());
        assertTrue(required.err().strip().endsWith("--require-peers forbids running on this machine alone"),
                required.err());
        assertTrue(required.out().isEmpty(), required.out());
    }
}
