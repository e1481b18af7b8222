package exo.serve.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which browsers may use the server, as Ollama decides it. A server listening on loopback
 * answers only requests whose {@code Host} names this machine (localhost, its host name, a
 * loopback, private or local address, *.localhost, *.local, *.internal): a page that rebinds its
 * own name to 127.0.0.1 is refused. A request with an {@code Origin} is answered only for the
 * server's own origin (its chat page), the local origins Ollama allows, and those given with
 * {@code --allowed-origins} (a "*" matches any run of characters). Allowed origins get CORS
 * headers and their preflights are answered.
 */
public final class BrowserPolicy {
    /** Ollama's default origins: local pages and the app shells that embed one. */
    private static final List<String> DEFAULT_ORIGINS = List.of("http://localhost", "https://localhost",
            "http://localhost:*", "https://localhost:*", "http://127.0.0.1", "https://127.0.0.1", "http://127.0.0.1:*",
            "https://127.0.0.1:*", "http://[::1]", "https://[::1]", "http://[::1]:*", "https://[::1]:*",
            "http://0.0.0.0", "https://0.0.0.0", "http://0.0.0.0:*", "https://0.0.0.0:*", "app://*", "file://*",
            "tauri://*", "vscode-webview://*");

    /** What a preflight may ask for: the API's methods and the headers its clients send. */
    static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    static final String ALLOW_HEADERS = "Authorization, Content-Type, Accept, X-Requested-With, OpenAI-Organization, "
            + "OpenAI-Project, X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-OS, X-Stainless-Arch, "
            + "X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Retry-Count, X-Stainless-Timeout, "
            + "X-Api-Key, Anthropic-Version, Anthropic-Beta";

    private final boolean checkHost;
    private final String hostName;
    private final List<Pattern> origins;

    /**
     * @param listensOnLoopback whether the server is reachable only from this machine; then the
     *                          Host header is checked (elsewhere clients name it as they like)
     * @param allowedOrigins    origins allowed besides the defaults
     */
    public BrowserPolicy(boolean listensOnLoopback, List<String> allowedOrigins) {
        this.checkHost = listensOnLoopback;
        this.hostName = localHostName();
        List<Pattern> all = new ArrayList<>();
        for (String o : DEFAULT_ORIGINS) {
            all.add(glob(o));
        }
        for (String o : allowedOrigins) {
            String trimmed = o.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            all.add(glob(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed));
        }
        this.origins = List.copyOf(all);
    }

    /**
     * Checks the request's Host and Origin; returns the origin to echo in CORS headers (null
     * when the request has none).
     *
     * @throws HttpError 403 for a host or origin this server does not answer
     */
    String check(Request r) {
        String host = r.header("Host");
        if (checkHost && !hostAllowed(host)) {
            throw HttpError.of(403, "forbidden_host", "this server answers requests for this machine only, not for "
                    + "host '" + host + "'");
        }
        String origin = r.header("Origin");
        if (origin == null) {
            return null;
        }
        if (!originAllowed(origin, host)) {
            throw HttpError.of(403, "forbidden_origin", "origin '" + origin + "' may not use this server; start it "
                    + "with --allowed-origins " + origin + " to allow it");
        }
        return origin;
    }

    boolean originAllowed(String origin, String host) {
        if (host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host))) {
            return true; // the server's own page
        }
        for (Pattern p : origins) {
            if (p.matcher(origin).matches()) {
                return true;
            }
        }
        return false;
    }

    boolean hostAllowed(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return true; // HTTP/1.0 clients send none; a browser always does
        }
        String host = withoutPort(hostHeader).toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.equals(hostName) || host.endsWith(".localhost") || host.endsWith(".local")
                || host.endsWith(".internal")) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && (literal.isLoopbackAddress() || literal.isSiteLocalAddress()
                || literal.isAnyLocalAddress() || literal.isLinkLocalAddress() || isLocal(literal));
    }

    private static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    /** The address a host name writes literally, without asking DNS; null for a name. */
    private static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isLocal(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** An origin pattern: "*" any run of characters, the rest literal, case-insensitive. */
    private static Pattern glob(String origin) {
        StringBuilder re = new StringBuilder();
        for (String part : origin.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
