package exo.download;

import exo.InvalidInputException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the hub, read from the environment variables huggingface_hub reads:
 * {@code HF_ENDPOINT} (default https://huggingface.co), {@code HF_TOKEN} or else the token file
 * ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}), and {@code HF_HUB_OFFLINE}.
 * {@code tokenSource} names where the token came from, for error messages.
 */
public record HfSettings(URI endpoint, Optional<String> token, String tokenSource, boolean offline,
                         RetryPolicy retry, Duration connectTimeout, Duration idleTimeout) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HfSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(retry, "retry");
        if (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new InvalidInputException("HF_ENDPOINT '" + endpoint + "' is not an http(s) URL");
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
    }

    /** Settings for the hub at {@code endpoint} with no token, online, default retries. */
    public static HfSettings of(URI endpoint) {
        return new HfSettings(endpoint, Optional.empty(), "none", false, RetryPolicy.DEFAULT,
                Duration.ofSeconds(20), Duration.ofSeconds(60));
    }

    public static HfSettings fromEnvironment(Map<String, String> env) {
        String ep = env.get("HF_ENDPOINT");
        URI endpoint = ep == null || ep.isBlank() ? DEFAULT_ENDPOINT : URI.create(ep.strip());
        HfSettings s = of(endpoint).withOffline(isTrue(env.get("HF_HUB_OFFLINE")));
        String token = env.get("HF_TOKEN");
        if (token != null && !token.isBlank()) {
            return s.withToken(token.strip(), "HF_TOKEN");
        }
        Path file = tokenFile(env);
        try {
            if (Files.isRegularFile(file)) {
                String t = Files.readString(file).strip();
                if (!t.isEmpty()) {
                    return s.withToken(t, file.toString());
                }
            }
        } catch (IOException e) {
            // An unreadable token file is treated as no token: a public model still downloads,
            // and a gated one fails with the message that explains how to give a token.
        }
        return s;
    }

    /** {@code HF_TOKEN_PATH}, else {@code $HF_HOME/token}, else ~/.cache/huggingface/token. */
    public static Path tokenFile(Map<String, String> env) {
        if (env.get("HF_TOKEN_PATH") != null) {
            return Path.of(env.get("HF_TOKEN_PATH"));
        }
        Path home = env.get("HF_HOME") != null ? Path.of(env.get("HF_HOME"))
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        return home.resolve("token");
    }

    /** huggingface_hub's reading of boolean variables: 1, ON, YES or TRUE in any case. */
    static boolean isTrue(String v) {
        return v != null && switch (v.strip().toUpperCase(Locale.ROOT)) {
            case "1", "ON", "YES", "TRUE" -> true;
            default -> false;
        };
    }

    public HfSettings withToken(String value, String source) {
        return new HfSettings(endpoint, Optional.of(value), source, offline, retry, connectTimeout, idleTimeout);
    }

    public HfSettings withOffline(boolean value) {
        return new HfSettings(endpoint, token, tokenSource, value, retry, connectTimeout, idleTimeout);
    }

    public HfSettings withRetry(RetryPolicy value) {
        return new HfSettings(endpoint, token, tokenSource, offline, value, connectTimeout, idleTimeout);
    }

    public HfSettings withTimeouts(Duration connect, Duration idle) {
        return new HfSettings(endpoint, token, tokenSource, offline, retry, connect, idle);
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, each path segment percent-encoded. */
    public URI resolveUri(HubFile f) {
        StringBuilder path = new StringBuilder(endpoint.getRawPath());
        path.append('/').append(f.repo()).append("/resolve/").append(encodeSegment(f.revision()));
        for (String part : f.file().split("/")) {
            path.append('/').append(encodeSegment(part));
        }
        return URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path);
    }

    private static String encodeSegment(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        // Never print the token itself.
        return "HfSettings[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "from " + tokenSource : "none")
                + ", offline=" + offline + ", retry=" + retry + "]";
    }
}
