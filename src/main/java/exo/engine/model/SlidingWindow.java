package exo.engine.model;

import exo.gguf.GgufFormatException;

/**
 * Interleaved sliding-window attention (Gemma 3): of every {@code pattern} layers the first
 * {@code pattern - 1} attend only to the last {@code window} positions (the query's own
 * included) and rotate at their own {@code ropeBase} and {@code ropeFreqScale}; the last is
 * global. llama.cpp b4916 keeps every layer's full cache and masks.
 */
public record SlidingWindow(int window, int pattern, float ropeBase, float ropeFreqScale) {

    public SlidingWindow {
        if (window < 1 || pattern < 2 || !(ropeBase > 0) || !(ropeFreqScale > 0)) {
            throw new GgufFormatException("sliding window " + window + " every " + pattern + " layers at rope base "
                    + ropeBase + " is not valid");
        }
    }

    /** Whether layer {@code layer} (of the whole model) is a sliding-window one. */
    public boolean appliesTo(int layer) {
        return layer % pattern < pattern - 1;
    }
}
