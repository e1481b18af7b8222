package exo.cli;

import exo.serve.ApiError;
import exo.serve.ModelHost;
import exo.serve.ServedModel;
import java.util.List;
import java.util.Optional;

/**
 * The models of a server started without one: whichever {@code models.yaml} id a request names
 * is opened on first use (alone or as the tail of a ring, fetching this machine's slice where it
 * is missing), one at a time. While one loads, or answers others, a request for another gets
 * 503 and tries again; a request naming none is answered by the loaded model.
 */
final class LazyModels implements ModelHost {
    /** Opens a model by id: what to serve, and what to close when it is swapped out. */
    interface Opener {
        Loaded open(String id) throws Exception;
    }

    record Loaded(ServedModel model, AutoCloseable resources) {
    }

    private final List<String> ids;
    private final Opener opener;
    private Loaded loaded;
    private String loading;
    private int inFlight;

    LazyModels(List<String> ids, Opener opener) {
        this.ids = List.copyOf(ids);
        this.opener = opener;
    }

    @Override
    public ServedModel get(String requested) {
        String id = requested == null ? null : ModelHost.withoutTag(requested);
        synchronized (this) {
            if (id == null) {
                if (loaded == null) {
                    throw ApiError.badRequest("model", "name a model: this server loads the one a request names ("
                            + String.join(", ", ids) + ")");
                }
                inFlight++;
                return loaded.model();
            }
            if (!ids.contains(id)) {
                throw ApiError.notFound("model", "model_not_found", "model '" + requested + "' is not in models.yaml; this server "
                        + "serves " + String.join(", ", ids));
            }
            if (loaded != null && loaded.model().id().equals(id)) {
                inFlight++;
                return loaded.model();
            }
            if (loading != null) {
                throw ApiError.unavailable(loading + " is being loaded; try again shortly");
            }
            if (inFlight > 0) {
                throw ApiError.unavailable("answering with " + loaded.model().id() + "; one model at a time, "
                        + "try again shortly");
            }
            loading = id;
        }
        Loaded fresh = null;
        try {
            unload();
            fresh = opener.open(id);
            return fresh.model();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw ApiError.unavailable("cannot load " + id + ": " + e.getMessage());
        } finally {
            synchronized (this) {
                loading = null;
                if (fresh != null) {
                    loaded = fresh;
                    inFlight++;
                }
            }
        }
    }

    private void unload() throws Exception {
        Loaded old;
        synchronized (this) {
            old = loaded;
            loaded = null;
        }
        if (old != null) {
            old.resources().close();
        }
    }

    @Override
    public synchronized void done(ServedModel model) {
        if (loaded != null && loaded.model() == model) {
            inFlight--;
        }
    }

    @Override
    public List<String> available() {
        return ids;
    }

    @Override
    public synchronized Optional<ServedModel> loaded() {
        return loaded == null ? Optional.empty() : Optional.of(loaded.model());
    }

    @Override
    public void close() {
        try {
            unload();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
