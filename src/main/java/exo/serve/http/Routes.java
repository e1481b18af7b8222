package exo.serve.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The server's route table: method and path pattern to handler, and which error shape each
 * family of paths speaks. A path no route has is 404; a path some route has with another
 * method is 405 with {@code Allow}; HEAD runs a GET route without its body; OPTIONS is the
 * transport's (CORS preflight).
 */
public final class Routes {

    /** Answers one request through its exchange; throw an {@link HttpError} to refuse it. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request, Exchange exchange) throws Exception;
    }

    /** Whether a route needs the server's API key (when one is set). */
    public enum Access { KEY, OPEN }

    /**
     * One route.
     *
     * @param endpoint the name metrics and logs use for it (the pattern, so the set stays small)
     */
    public record Route(String method, PathPattern pattern, Access access, Handler handler) {
        public String endpoint() {
            return pattern.pattern();
        }
    }

    /** What a method and path come to. */
    public sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {
        }

        record WrongMethod(String allow) implements Match {
        }

        record NotFound() implements Match {
        }
    }

    private record Family(String prefix, ErrorShape shape) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Family> families = new ArrayList<>();
    private final ErrorShape defaultShape;

    /** @param defaultShape the error shape of paths no family claims */
    public Routes(ErrorShape defaultShape) {
        this.defaultShape = defaultShape;
    }

    public Routes get(String pattern, Access access, Handler handler) {
        return add("GET", pattern, access, handler);
    }

    public Routes post(String pattern, Access access, Handler handler) {
        return add("POST", pattern, access, handler);
    }

    public Routes add(String method, String pattern, Access access, Handler handler) {
        if (method.equals("HEAD") || method.equals("OPTIONS")) {
            throw new IllegalArgumentException(method + " is answered by the transport, not a route");
        }
        PathPattern p = PathPattern.of(pattern);
        for (Route r : routes) {
            if (r.method().equals(method) && r.pattern().equals(p)) {
                throw new IllegalArgumentException("two routes for " + method + " " + pattern);
            }
        }
        routes.add(new Route(method, p, access, handler));
        return this;
    }

    /** Paths under {@code prefix} (the longest prefix wins) write their errors in {@code shape}. */
    public Routes family(String prefix, ErrorShape shape) {
        families.add(new Family(prefix, shape));
        return this;
    }

    ErrorShape shapeFor(String path) {
        Family best = null;
        for (Family f : families) {
            if (path.startsWith(f.prefix()) && (best == null || f.prefix().length() > best.prefix().length())) {
                best = f;
            }
        }
        return best == null ? defaultShape : best.shape();
    }

    /** The route for {@code method} (HEAD as GET) on {@code path}. */
    Match match(String method, String path) {
        String wanted = method.equals("HEAD") ? "GET" : method;
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.pattern().match(path);
            if (params == null) {
                continue;
            }
            if (r.method().equals(wanted)) {
                return new Match.Found(r, params);
            }
            allowed.add(r.method());
        }
        if (allowed.isEmpty()) {
            return new Match.NotFound();
        }
        return new Match.WrongMethod(allow(allowed));
    }

    /** The methods {@code path} answers, as an Allow header; null when none. */
    String allowed(String path) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            if (r.pattern().match(path) != null) {
                allowed.add(r.method());
            }
        }
        return allowed.isEmpty() ? null : allow(allowed);
    }

    private static String allow(TreeSet<String> methods) {
        TreeSet<String> all = new TreeSet<>(methods);
        if (all.contains("GET")) {
            all.add("HEAD");
        }
        all.add("OPTIONS");
        return String.join(", ", all);
    }
}
