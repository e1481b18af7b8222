package exo.download;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the bytes of a fetched range in order: offsets are absolute positions in the remote
 * file, ascending and contiguous from the range's start, even across retries. An IOException
 * thrown here (a full disk) ends the fetch at once and is not retried.
 */
@FunctionalInterface
public interface RangeSink {
    void write(long offset, ByteBuffer bytes) throws IOException;
}
