package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /exo/ring/events} against a real `exo serve`: the state comes at once as a
 * server-sent event (the machine, its layers, engine, memory and slice), the next only when it
 * changes (an answer running) and not while idle, nothing is logged while the stream is open, and on SIGTERM the
 * stream ends at once and is not counted as a running answer.
 */
class ClusterEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theRingIsPushedOnChangeNotLoggedPerUpdateAndEndsWhenTheServerStops() throws Exception {
        try (ServeProcess server = ServeProcess.start(tmp, List.of(), Map.of(), "--model-file",
                TestModels.stories260K().toString(), "--discovery", "static", "--http-port", "0", "--threads", "1");
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /exo/ring/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            String header;
            boolean eventStream = false;
            while (!(header = in.readLine()).isEmpty()) {
                eventStream |= header.toLowerCase().startsWith("content-type: text/event-stream");
            }
            assertTrue(eventStream, "a server-sent event stream");
            JsonNode first = JSON.readTree(nextEvent(in));
            assertEquals("stories260K", first.get("model").asText());
            JsonNode node = first.get("nodes").get(0);
            assertEquals("this machine", node.get("name").asText());
            assertEquals("0-4", node.get("layers").asText());
            assertTrue(node.get("memory_bytes").asLong() > 0, node.toString());
            assertTrue(node.get("slice_bytes").asLong() > 0, node.toString());
            assertEquals(0, first.get("running").asInt());

            // An answer: the state changes, and is pushed.
            String body = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 200, \"temperature\": 0}";
            RawHttp.Response answer = RawHttp.send(server.port(), "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                    + body);
            assertEquals(200, answer.status());
            // (an event may come while it starts, before its first token)
            JsonNode next = JSON.readTree(nextEvent(in));
            for (int i = 0; i < 3 && next.get("tokens_per_second").asDouble() == 0; i++) {
                next = JSON.readTree(nextEvent(in));
            }
            assertTrue(next.get("tokens_per_second").asDouble() > 0, next.toString());
            assertFalse(server.stderr().contains("/exo/ring"), "the open stream is not logged: " + server.stderr());

            // Once tokens/s has fallen back to 0 (a 5 s window), an idle server pushes nothing.
            while (next.get("tokens_per_second").asDouble() > 0 || next.get("running").asInt() > 0) {
                next = JSON.readTree(nextEvent(in));
            }
            socket.setSoTimeout(3000);
            // (what is left of the last event's chunk is read first; then nothing comes)
            assertThrows(java.net.SocketTimeoutException.class, () -> {
                for (String line; (line = in.readLine()) != null; ) {
                    assertFalse(line.startsWith("data: "), "an idle ring is not pushed again: " + line);
                }
            });
            socket.setSoTimeout(0);

            // SIGTERM: the stream ends, and the server says no answer was running.
            server.terminate();
            String line;
            while ((line = in.readLine()) != null) {
                assertFalse(line.startsWith("HTTP/"), line);
            }
            server.await(Pattern.compile("stopping: no new connections; no answer is running"), 30);
            assertTrue(server.awaitExit(30), "exo serve exits after SIGTERM");
        }
    }

    /** The data of the next event (comments skipped); the body is chunked, so chunk sizes are skipped too. */
    private static String nextEvent(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        throw new AssertionError("the stream ended");
    }
}
