package exo.node;

import exo.download.HfClient;
import exo.download.HfSettings;
import exo.download.HubCache;
import exo.download.ByteSource;
import exo.download.HubFile;
import exo.download.RemoteFile;
import exo.download.ProgressListener;
import exo.download.ShardFetcher;
import exo.download.ShardStore;
import exo.peer.ModelRef;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a node gets the weights of a slice: a file it already has (models directory, Hugging
 * Face cache), or else only that slice's tensors fetched by range from the model's repository
 * into a shard file. A node never fetches more than it runs.
 */
public final class SliceSource {
    private final ModelLocator locator;
    private final Map<String, String> env;

    public SliceSource(ModelLocator locator, Map<String, String> env) {
        this.locator = locator;
        this.env = Map.copyOf(env);
    }

    public Optional<Path> local(ModelRef model) {
        return locator.find(model);
    }

    /** A GGUF holding {@code shard}'s tensors of {@code model}: the whole local file, or a fetched slice. */
    public Path slice(ModelRef model, Shard shard, ProgressListener progress) throws IOException {
        return slice(model, shard, Optional.empty(), progress);
    }

    /**
     * As {@link #slice(ModelRef, Shard, ProgressListener)}, taking the slice's bytes from a peer
     * that holds the file ({@code peer}) before the hub: the hub is asked only when the peer
     * cannot serve them, and a model with no repository can come only from a peer.
     */
    public Path slice(ModelRef model, Shard shard, Optional<ByteSource> peer, ProgressListener progress)
            throws IOException {
        Optional<Path> local = locator.find(model);
        if (local.isPresent()) {
            return local.get();
        }
        try (HfClient client = new HfClient(HfSettings.fromEnvironment(env))) {
            ShardFetcher fetcher = new ShardFetcher(client, locator.hubCache(),
                    ShardStore.under(ExoHome.fromEnvironment(env).dir()));
            IOException fromPeer = null;
            if (peer.isPresent()) {
                try {
                    return fetcher.fetchFrom(peer.get(), RemoteFile.fromPeer(model.id(), model.fileName(),
                            model.sizeBytes()), shard.start(), shard.end(), progress);
                } catch (IOException e) {
                    fromPeer = e;
                }
            }
            if (model.repo().isEmpty()) {
                if (fromPeer != null) {
                    throw new IOException(model.fileName() + " is not on this node and its peer could not send it: "
                            + fromPeer.getMessage(), fromPeer);
                }
                return locator.require(model); // throws, naming where it looked
            }
            return fetcher.fetch(HubFile.main(model.repo().get(), model.fileName()), shard.start(), shard.end(),
                    progress);
        }
    }

    public static SliceSource fromEnvironment(Path modelsDir, Map<String, String> env) {
        return new SliceSource(new ModelLocator(modelsDir, HubCache.fromEnvironment(env)), env);
    }
}
