package exo.grammar;

import exo.tokenizer.Tokenizer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@link TokenVocabulary} of each tokenizer in use, built on first use and kept while the
 * tokenizer lives. One instance per server (or per process that loads models); thread-safe.
 */
public final class TokenVocabularyCache {
    private final Map<Tokenizer, TokenVocabulary> byTokenizer = Collections.synchronizedMap(new WeakHashMap<>());

    public TokenVocabulary get(Tokenizer tokenizer) {
        TokenVocabulary v = byTokenizer.get(tokenizer);
        if (v == null) {
            v = TokenVocabulary.of(tokenizer);
            TokenVocabulary raced = byTokenizer.putIfAbsent(tokenizer, v);
            if (raced != null) {
                v = raced;
            }
        }
        return v;
    }
}
