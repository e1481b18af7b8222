package exo.tokenizer;

/** A part of the input after special tokens are split out: raw text, or one token id. */
sealed interface Fragment {
    record Text(String text) implements Fragment {
        public Text {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty text fragment");
            }
        }
    }

    record Token(int id) implements Fragment {
    }
}
