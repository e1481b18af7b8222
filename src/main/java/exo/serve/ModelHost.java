package exo.serve;

import java.util.List;
import java.util.Optional;

/**
 * Which model answers a request: the one the server was started with, or (started without
 * one) whichever a request names, loaded on first use, one at a time.
 */
public interface ModelHost extends AutoCloseable {

    /**
     * The model for a request that names {@code requested} (null: the request names none).
     *
     * @throws ApiError 404 for a model this server cannot serve, 503 while another is loading
     *     or busy, 400 when a request must name one and does not
     */
    ServedModel get(String requested);

    /** The model ids a client may name, for /v1/models and /api/tags. */
    List<String> available();

    /** The model loaded now, if any. */
    Optional<ServedModel> loaded();

    /** A request of {@code model} ended; a host that swaps models waits for none in flight. */
    default void done(ServedModel model) {
    }

    @Override
    void close();

    /** Ollama's clients name models with a tag: "stories260K:latest" is "stories260K". */
    static String withoutTag(String name) {
        return name.endsWith(":latest") ? name.substring(0, name.length() - ":latest".length()) : name;
    }

    /** The model a server was started with, and only it. */
    static ModelHost fixed(ServedModel model, AutoCloseable resources) {
        return new ModelHost() {
            @Override
            public ServedModel get(String requested) {
                if (requested != null && !withoutTag(requested).equals(model.id())) {
                    throw ApiError.notFound("model", "model_not_found", "model '" + requested + "' is not served "
                            + "here; this server serves '" + model.id() + "'");
                }
                return model;
            }

            @Override
            public List<String> available() {
                return List.of(model.id());
            }

            @Override
            public Optional<ServedModel> loaded() {
                return Optional.of(model);
            }

            @Override
            public void close() {
                try {
                    resources.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
