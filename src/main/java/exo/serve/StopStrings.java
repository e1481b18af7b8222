package exo.serve;

import java.util.List;

/**
 * Cuts a streamed answer at the first stop string, which is never shown: text that might be
 * the start of a stop string is held back until the next piece says whether it is one.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;
    private String matched;

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Takes the next piece of the answer; returns what may be shown now. */
    String push(String text) {
        if (stopped) {
            return "";
        }
        held.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                matched = s;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (String s : stops) {
            keep = Math.max(keep, overlap(held, s));
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Whether a stop string was seen: generation should end. */
    boolean stopped() {
        return stopped;
    }

    /** The stop string that ended the answer, or null. */
    String matched() {
        return matched;
    }

    /** The text still held back once the answer ended without a stop string. */
    String flush() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    /** The length of the longest end of {@code text} that begins {@code stop}. */
    private static int overlap(CharSequence text, String stop) {
        for (int n = Math.min(stop.length() - 1, text.length()); n > 0; n--) {
            if (stop.regionMatches(0, text.toString(), text.length() - n, n)) {
                return n;
            }
        }
        return 0;
    }
}
