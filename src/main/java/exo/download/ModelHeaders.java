package exo.download;

import exo.gguf.GgufFile;
import exo.gguf.GgufHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GGUF headers of a published model file, every part's for a gguf-split file, without its
 * tensor data: read from the Hugging Face cache when every part is there, or fetched by range
 * (a few MiB per part, however large the file). What a plan reads the real tensor table from.
 */
public final class ModelHeaders {
    private ModelHeaders() {
    }

    /** The parts' headers from the cache, if every part is there. */
    public static Optional<List<GgufHeader>> cached(HubCache cache, String repo, List<String> partFiles)
            throws IOException {
        List<GgufHeader> out = new ArrayList<>();
        for (String file : partFiles) {
            Optional<Path> p = cache.find(repo, file);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            out.add(GgufFile.readHeader(p.get()));
        }
        return Optional.of(out);
    }

    /**
     * The parts' headers read by range from the hub at {@code revision}.
     *
     * @throws HubException when the hub refuses or the network fails for good
     */
    public static List<GgufHeader> fetch(HfClient client, String repo, List<String> partFiles, String revision)
            throws IOException {
        List<GgufHeader> out = new ArrayList<>();
        for (String file : partFiles) {
            RemoteFile remote = client.head(new HubFile(repo, file, revision));
            out.add(RemoteHeader.read(ByteSource.remote(client, remote), ShardFetcher.DEFAULT_FIRST_HEADER_READ, file)
                    .header());
        }
        return out;
    }
}
