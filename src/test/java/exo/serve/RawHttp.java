package exo.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 as bytes on a socket, for what ordinary clients never send: forged Host headers,
 * HEAD, bodies shorter than declared, control characters in paths, several requests on one
 * connection.
 */
final class RawHttp {
    /** A response as it came: status, headers (any case), body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : String.join(", ", v);
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} (which should ask for "Connection: close") and reads the response to the end. */
    static Response send(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return parse(readAll(s.getInputStream()));
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no end of response after " + out.size() + " bytes: " + out, e);
        }
        return out.toByteArray();
    }

    /** The responses in {@code bytes}, one after another (each with a Content-Length or none). */
    static List<Response> parseAll(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Response> out = new ArrayList<>();
        int at = 0;
        while (at < all.length()) {
            int end = all.indexOf("\r\n\r\n", at);
            if (end < 0) {
                throw new IllegalStateException("no end of headers in " + all.substring(at));
            }
            Response head = parse(all.substring(at, end + 4).getBytes(StandardCharsets.ISO_8859_1));
            String length = head.header("Content-Length");
            int n = length == null ? 0 : Integer.parseInt(length.strip());
            String body = new String(all.substring(end + 4, end + 4 + n).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            out.add(new Response(head.status(), head.headers(), body));
            at = end + 4 + n;
        }
        return out;
    }

    static Response parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.UTF_8);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("not an HTTP response: '" + all + "'");
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        return new Response(status, headers, all.substring(end + 4));
    }
}
