package exo.tokenizer.chat.tools;

/**
 * One family's tool-call syntax: reads the output after any reasoning into a snapshot. With
 * {@code finished} false the text is still arriving, and whatever might yet become a marker or
 * a call is left out of the snapshot (see {@link Snapshot}).
 */
interface BodyParser {
    void parse(String text, int from, boolean finished, Snapshot out);

    /**
     * The first characters of the markers that can end plain content ({@link Snapshot#plain}):
     * text without any of them can only be more content.
     */
    String markerStarts();
}
