package exo.tokenizer.chat.tools;

/** No tool syntax: everything after the reasoning is content. */
final class ContentOnlyParser implements BodyParser {
    @Override
    public String markerStarts() {
        return "";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        out.plain(t, pos, t.length());
    }
}
