/**
 * {@code exo serve}'s HTTP transport, the only place Netty's HTTP codec is seen. {@link
 * exo.serve.http.HttpServer} reads connections on an event loop within {@link
 * exo.serve.http.HttpLimits} and hands each whole request to a worker; {@link
 * exo.serve.http.Dispatcher} applies the {@link exo.serve.http.BrowserPolicy} (Host, Origin,
 * CORS), the {@link exo.serve.http.Routes} table and the API key, and logs through {@link
 * exo.serve.http.AccessLog}.
 *
 * <p>An endpoint is a route and a handler: {@code routes.post("/v1/messages", Access.KEY,
 * handler)}, where the handler takes the {@link exo.serve.http.Request} (its strict JSON body,
 * path parameters such as {@code {id}}) and answers through the {@link exo.serve.http.Exchange}:
 * one JSON response, or a {@link exo.serve.http.ResponseStream} of events or lines, which waits
 * while the client is not reading. It refuses by throwing an {@link exo.serve.http.HttpError},
 * written in the error shape of its path's family ({@code routes.family("/v1/messages",
 * anthropicShape)}). The exchange says when the client has gone ({@link
 * exo.serve.http.ClientPresence}): work for it should stop, and the request is logged 499.
 */
package exo.serve.http;
