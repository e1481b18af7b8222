package exo.tokenizer;

/**
 * The clean_up_tokenization_spaces passes of llama.cpp's {@code llama_vocab::impl::detokenize},
 * on the joined UTF-8 bytes: drop the space before ? ! . , ; drop the spaces around a lone
 * apostrophe; drop the space before 's 'm 're 've.
 */
final class SpaceCleaner {
    private SpaceCleaner() {
    }

    static byte[] clean(byte[] text) {
        return contractions(loneApostrophes(punctuation(text)));
    }

    private static byte[] punctuation(byte[] t) {
        if (t.length == 0) {
            return t;
        }
        Out out = new Out(t);
        for (int i = 1; i < t.length; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                out.total--;
            }
            out.put(x);
        }
        return out.bytes();
    }

    private static byte[] loneApostrophes(byte[] input) {
        if (input.length == 0) {
            return input;
        }
        byte[] t = input.clone(); // llama.cpp writes a NUL over the dropped space, which later tests see
        Out out = new Out(t);
        for (int i = 1; i < t.length; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < t.length && t[i - 1] == ' ' && t[i + 1] == ' ') {
                out.total--;
                t[++i] = 0;
            }
            out.put(x);
        }
        return out.bytes();
    }

    private static byte[] contractions(byte[] t) {
        if (t.length == 0) {
            return t;
        }
        Out out = new Out(t);
        for (int i = 1; i < t.length; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < t.length) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    out.total--;
                } else if (i + 2 < t.length) {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        out.total--;
                    }
                }
            }
            out.put(x);
        }
        return out.bytes();
    }

    /** The in-place compaction llama.cpp does, into a separate buffer; the first byte always stays. */
    private static final class Out {
        final byte[] buf;
        int total = 1;

        Out(byte[] t) {
            buf = new byte[t.length];
            buf[0] = t[0];
        }

        void put(byte b) {
            buf[total++] = b;
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(buf, total);
        }
    }
}
