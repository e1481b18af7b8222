package exo.serve.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Request bodies as exactly one JSON value: trailing bytes after it (a second object, garbage)
 * and an object that names a key twice are refused, as are nesting deeper than any request
 * needs and numbers longer than any value means. What two parsers could read differently is not
 * read at all.
 */
public final class StrictJson {
    /** Deeper than any conversation with tool schemas goes; shallow enough for recursive readers. */
    static final int MAX_DEPTH = 128;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(100)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {
    }

    /** The one JSON value of {@code body}; a 400 {@link HttpError} saying what is wrong otherwise. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new HttpError(400, "invalid_request_error", null, "invalid_json",
                    "the request body is empty; send a JSON object");
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new HttpError(400, "invalid_request_error", null, "invalid_json",
                        "the request body holds no JSON value; send a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "invalid_request_error", null, "invalid_json",
                    "the request body is not one valid JSON value: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request_error", null, "invalid_json",
                    "the request body cannot be read as JSON: " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
