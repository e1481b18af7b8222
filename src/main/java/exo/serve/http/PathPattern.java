package exo.serve.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's path: literal segments and {@code {name}} parameters that match one segment each,
 * as in "/v1/models/{id}".
 */
public record PathPattern(String pattern, List<String> segments) {

    public PathPattern {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with /: " + pattern);
        }
        segments = List.copyOf(segments);
    }

    public static PathPattern of(String pattern) {
        return new PathPattern(pattern, split(pattern));
    }

    /** The parameters when {@code path} matches, else null. */
    Map<String, String> match(String path) {
        List<String> parts = split(path);
        if (parts.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String s = segments.get(i);
            if (s.startsWith("{") && s.endsWith("}")) {
                if (parts.get(i).isEmpty()) {
                    return null;
                }
                params.put(s.substring(1, s.length() - 1), parts.get(i));
            } else if (!s.equals(parts.get(i))) {
                return null;
            }
        }
        return params;
    }

    /** "/" is one empty segment, "/a/b" two; a trailing slash is a segment of its own. */
    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = 1;
        while (true) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                out.add(path.substring(start));
                return out;
            }
            out.add(path.substring(start, slash));
            start = slash + 1;
        }
    }
}
