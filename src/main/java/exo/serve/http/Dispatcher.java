package exo.serve.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What happens to a whole request on its worker thread: the browser policy (Host, Origin,
 * CORS preflight), the route (404, 405 with Allow), the API key, the handler; then one log line
 * and one observation for metrics. Whatever the handler throws is answered in the route
 * family's error shape; an error after a stream began closes the connection.
 */
public final class Dispatcher {

    /** Told of every request once it is over, for metrics. */
    @FunctionalInterface
    public interface Observer {
        /** @param endpoint the route's pattern, or "other" for paths no route has */
        void finished(String endpoint, String method, int status, long nanos);
    }

    /** Turns an exception a handler threw into a refusal of the request, or null for a fault of the server (500). */
    @FunctionalInterface
    public interface Failures {
        HttpError refusal(RuntimeException e);
    }

    private final Routes routes;
    private final BrowserPolicy browsers;
    private final byte[] apiKey;
    private final AccessLog log;
    private final Observer observer;
    private final Failures failures;

    /** @param apiKey required on routes that are not open, as "Authorization: Bearer KEY" or "X-Api-Key: KEY"; null for none */
    public Dispatcher(Routes routes, BrowserPolicy browsers, String apiKey, AccessLog log, Observer observer,
                      Failures failures) {
        this.routes = routes;
        this.browsers = browsers;
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.log = log;
        this.observer = observer;
        this.failures = failures;
    }

    AccessLog log() {
        return log;
    }

    ErrorShape shapeFor(String path) {
        return routes.shapeFor(path);
    }

    void dispatch(Request request, NettyExchange exchange) {
        String method = request.method();
        String path = request.path();
        ErrorShape shape = routes.shapeFor(path);
        String endpoint = "other";
        try {
            String origin = browsers.check(request);
            if (origin != null) {
                exchange.header("Access-Control-Allow-Origin", origin);
                exchange.header("Vary", "Origin");
            }
            if (method.equals("OPTIONS")) {
                options(request, exchange, origin);
                return;
            }
            switch (routes.match(method, path)) {
                case Routes.Match.NotFound n -> throw new HttpError(404, "invalid_request_error", null, "not_found",
                        "no " + method + " " + path + " here");
                case Routes.Match.WrongMethod w -> throw new HttpError(405, "invalid_request_error", null,
                        "method_not_allowed", path + " answers " + w.allow() + ", not " + method,
                        java.util.Map.of("Allow", w.allow()));
                case Routes.Match.Found found -> {
                    endpoint = found.route().endpoint();
                    request.pathParams(found.params());
                    if (found.route().access() == Routes.Access.KEY) {
                        authorize(request);
                    }
                    found.route().handler().handle(request, exchange);
                }
            }
            if (!exchange.started() && !exchange.gone()) {
                throw new IllegalStateException("the handler of " + endpoint + " answered nothing");
            }
        } catch (ClientGone gone) {
            // nothing to answer: logged as 499 below
        } catch (HttpError e) {
            fail(exchange, shape, e);
        } catch (OutOfMemoryError e) {
            log.error("out of memory answering " + AccessLog.escape(method) + " " + AccessLog.escape(path)
                    + "; the request is refused and the server goes on");
            fail(exchange, shape, HttpError.of(503, "out_of_memory", "the server ran out of memory for this request"));
        } catch (Error e) {
            // A stack overflow or a linkage fault: this request fails, said so; the worker lives on.
            log.error(AccessLog.escape(method) + " " + AccessLog.escape(path) + " failed: " + e);
            fail(exchange, shape, HttpError.of(500, null, "internal error: " + e));
        } catch (Exception e) {
            HttpError refusal = e instanceof RuntimeException re ? failures.refusal(re) : null;
            if (refusal == null) {
                log.error(AccessLog.escape(method) + " " + AccessLog.escape(path) + " failed: " + e);
                if (System.getenv("EXO_DEBUG") != null) {
                    e.printStackTrace();
                }
                refusal = HttpError.of(500, null, "internal error: " + e.getMessage());
            }
            fail(exchange, shape, refusal);
        } finally {
            int status = exchange.gone() && !exchange.completed() ? 499 : exchange.logged();
            long nanos = System.nanoTime() - request.receivedNanos();
            log.request(method, path, status, nanos, address(request.remote()));
            observer.finished(endpoint, method, status, nanos);
        }
    }

    /** A refusal the connection answered before any handler ran: logged and counted as any request. */
    void logRefused(String method, String path, int status, long nanos, InetSocketAddress remote) {
        log.request(method, path, status, nanos, address(remote));
        observer.finished("other", method, status, nanos);
    }

    private void fail(NettyExchange exchange, ErrorShape shape, HttpError e) {
        if (exchange.gone()) {
            return;
        }
        if (exchange.started()) {
            exchange.outcome(e.status());
            exchange.abort();
            return;
        }
        exchange.error(shape, e);
    }

    /** A CORS preflight from an allowed origin, or a plain OPTIONS: the methods the path answers. */
    private void options(Request request, NettyExchange exchange, String origin) {
        String allow = routes.allowed(request.path());
        if (allow == null) {
            throw new HttpError(404, "invalid_request_error", null, "not_found", "no " + request.path() + " here");
        }
        exchange.header("Allow", allow);
        String asked = request.header("Access-Control-Request-Method");
        if (origin != null && asked != null) {
            exchange.header("Access-Control-Allow-Methods", BrowserPolicy.ALLOW_METHODS);
            String headers = request.header("Access-Control-Request-Headers");
            exchange.header("Access-Control-Allow-Headers", headers != null ? headers : BrowserPolicy.ALLOW_HEADERS);
            exchange.header("Access-Control-Max-Age", "600");
            exchange.header("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
        }
        exchange.bytes(204, "text/plain", new byte[0]);
    }

    private void authorize(Request request) {
        if (apiKey == null) {
            return;
        }
        String bearer = request.header("Authorization");
        String given = bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7) ? bearer.substring(7).strip()
                : request.header("X-Api-Key");
        if (given == null || !MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, "invalid_request_error", null, "invalid_api_key",
                    "this server needs an API key: send Authorization: Bearer KEY",
                    java.util.Map.of("WWW-Authenticate", "Bearer realm=\"exo\""));
        }
    }

    private static String address(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? "-" : remote.getAddress().getHostAddress();
    }
}
