package exo.node;

import exo.download.HfClient;
import exo.download.HfSettings;
import exo.download.HubCache;
import exo.download.HubFile;
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
        Optional<Path> local = locator.find(model);
        if (local.isPresent()) {
            return local.get();
        }
        if (model.repo().isEmpty()) {
            return locator.require(model); // throws, naming where it looked
        }
        try (HfClient client = new HfClient(HfSettings.fromEnvironment(env))) {
            return new ShardFetcher(client, locator.hubCache(), ShardStore.under(ExoHome.fromEnvironment(env).dir()))
                    .fetch(HubFile.main(model.repo().get(), model.fileName()), shard.start(), shard.end(), progress);
        }
    }

    public static SliceSource fromEnvironment(Path modelsDir, Map<String, String> env) {
        return new SliceSource(new ModelLocator(modelsDir, HubCache.fromEnvironment(env)), env);
    }
}
