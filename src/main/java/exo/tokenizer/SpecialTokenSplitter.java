package exo.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits special tokens out of the input before the text is tokenized, as llama.cpp's
 * {@code tokenizer_st_partition}: for each special token, longest first, every occurrence in the
 * remaining text becomes that token. User-defined tokens are always split out (as Hugging Face
 * tokenizers do with added tokens); control and unknown tokens only when parsing special tokens.
 * A token with the lstrip/rstrip attribute also swallows ASCII whitespace to its left/right.
 */
final class SpecialTokenSplitter {
    private final Vocabulary vocab;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment.Text(text));
        for (int s = 0; s < vocab.specialTokenCount(); s++) {
            int id = vocab.specialToken(s);
            if (!parseSpecial && vocab.has(id, TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) {
                continue;
            }
            String special = vocab.text(id);
            List<Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f instanceof Fragment.Text(String raw) && raw.contains(special)) {
                    splitOne(raw, id, special, next);
                } else {
                    next.add(f);
                }
            }
            fragments = next;
        }
        return fragments;
    }

    private void splitOne(String raw, int id, String special, List<Fragment> out) {
        boolean lstrip = vocab.has(id, TokenAttributes.LSTRIP);
        boolean rstrip = vocab.has(id, TokenAttributes.RSTRIP);
        int pos = 0;
        int end = raw.length();
        while (pos < end) {
            int match = raw.indexOf(special, pos);
            if (match < 0) {
                break;
            }
            int leftEnd = match;
            if (lstrip) {
                while (leftEnd > pos && isSpace(raw.charAt(leftEnd - 1))) {
                    leftEnd--;
                }
            }
            if (leftEnd > pos) {
                out.add(new Fragment.Text(raw.substring(pos, leftEnd)));
            }
            out.add(new Fragment.Token(id));
            pos = match + special.length();
            if (rstrip) {
                while (pos < end && isSpace(raw.charAt(pos))) {
                    pos++;
                }
            }
        }
        if (pos < end) {
            out.add(new Fragment.Text(raw.substring(pos)));
        }
    }

    /** C isspace() in the "C" locale, which llama.cpp uses for lstrip/rstrip. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
