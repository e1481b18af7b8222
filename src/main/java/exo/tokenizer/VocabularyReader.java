package exo.tokenizer;

import exo.gguf.GgufFormatException;

import exo.engine.model.UnsupportedModelException;

import exo.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Builds a {@link Vocabulary} from GGUF metadata with the defaults and fix-ups of llama.cpp's
 * {@code llama_vocab::impl::load} (src/llama-vocab.cpp): default special ids per model, add_bos
 * and add_space_prefix defaults, end-of-generation tokens recognised by their text, and tokens
 * that look like control tokens forced to be control tokens.
 */
final class VocabularyReader {
    private static final System.Logger LOG = System.getLogger(VocabularyReader.class.getName());

    /** Texts llama.cpp takes for EOT when tokenizer.ggml.eot_token_id is absent. */
    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>");
    /**
     * Texts that end generation whatever the metadata says (llama.cpp special_eog_ids): b4916's,
     * and Kimi K2's [EOS] and [EOT], which newer llama.cpp adds for the vocabularies b4916 cannot load.
     */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>", "[EOS]", "[EOT]");
    private static final Set<String> EOM_TEXTS = Set.of("<|eom_id|>");
    private static final Set<String> FIM_PRE_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>");
    private static final Set<String> FIM_SUF_TEXTS = Set.of("<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>");
    private static final Set<String> FIM_MID_TEXTS = Set.of("<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>");
    private static final Set<String> FIM_PAD_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<PAD>");
    private static final Set<String> FIM_REP_TEXTS = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>");
    private static final Set<String> FIM_SEP_TEXTS = Set.of("<|file_sep|>");

    private VocabularyReader() {
    }

    static Vocabulary read(GgufMetadata md) {
        String model = md.getString("tokenizer.ggml.model")
                .orElseThrow(() -> new GgufFormatException("the file has no tokenizer (tokenizer.ggml.model is missing)"));
        String pre = md.getString("tokenizer.ggml.pre").orElse("");
        Defaults defaults = Defaults.of(model, pre);
        Vocabulary.Tokens tokens = readTokens(md);
        Map<String, Integer> merges = defaults.kind() == Vocabulary.Kind.BPE ? readMerges(md) : Map.of();
        Roles roles = Roles.fromMetadata(md, defaults.special(), tokens.size());
        Vocabulary.Flags flags = new Vocabulary.Flags(
                md.getBool("tokenizer.ggml.add_bos_token").orElse(defaults.flags().addBos()),
                md.getBool("tokenizer.ggml.add_eos_token").orElse(defaults.flags().addEos()),
                md.getBool("tokenizer.ggml.add_space_prefix").orElse(defaults.flags().addSpacePrefix()),
                defaults.flags().cleanSpaces());
        roles.findByText(tokens);
        BitSet eog = roles.endOfGeneration(tokens);
        int[] special = specialTokens(tokens.texts(), tokens.attrs());
        applyModelQuirks(md, pre, tokens.texts(), tokens.attrs(), tokens.ids(), special);
        return new Vocabulary(defaults.kind(), tokens, merges, defaults.bpe(), roles.special(), flags, special, eog);
    }

    /** What llama.cpp assumes for a tokenizer model before reading the metadata. */
    private record Defaults(Vocabulary.Kind kind, BpeSettings bpe, Vocabulary.SpecialIds special,
                            Vocabulary.Flags flags) {
        static Defaults of(String model, String pre) {
            return switch (model) {
                case "llama" -> new Defaults(Vocabulary.Kind.SPM, null, new Vocabulary.SpecialIds(1, 2,
                        Vocabulary.NO_TOKEN, 0), new Vocabulary.Flags(true, false, true, false));
                case "gpt2" -> {
                    if (pre.isEmpty()) {
                        LOG.log(System.Logger.Level.WARNING,
                                "missing tokenizer.ggml.pre, using 'default' (as llama.cpp: generation quality will be degraded)");
                    }
                    BpeSettings bpe = BpeSettings.forName(pre);
                    yield new Defaults(Vocabulary.Kind.BPE, bpe, new Vocabulary.SpecialIds(
                            bpe.hasBos() ? 11 : Vocabulary.NO_TOKEN, 11, Vocabulary.NO_TOKEN, Vocabulary.NO_TOKEN),
                            new Vocabulary.Flags(bpe.addBos(), false, false, bpe.cleanSpaces()));
                }
                case "bert", "t5", "rwkv", "no_vocab", "none" -> throw new UnsupportedModelException(
                        "tokenizer model '" + model + "' is not supported (supported: llama, gpt2)");
                default -> throw new UnsupportedModelException("unknown tokenizer model: '" + model + "'");
            };
        }
    }

    /** tokenizer.ggml.tokens, scores and token_type: every token with a text of its own. */
    private static Vocabulary.Tokens readTokens(GgufMetadata md) {
        String[] texts = md.getStringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> new GgufFormatException("cannot find tokenizer vocab (tokenizer.ggml.tokens)"))
                .clone();
        int n = texts.length;
        float[] scores = md.getFloatArray("tokenizer.ggml.scores").orElse(new float[n]);
        int[] types = md.getIntArray("tokenizer.ggml.token_type").orElse(null);
        if (scores.length < n || (types != null && types.length < n)) {
            throw new GgufFormatException("tokenizer.ggml.scores or token_type is shorter than the " + n + " tokens");
        }
        int[] attrs = new int[n];
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp, so that every token has a text
            }
            if (ids.put(texts[i], i) != null) {
                throw new GgufFormatException("token text '" + texts[i] + "' appears twice in the vocabulary");
            }
            attrs[i] = types == null ? TokenAttributes.NORMAL : TokenAttributes.fromTokenType(types[i]);
        }
        return new Vocabulary.Tokens(texts, scores, attrs, ids);
    }

    /**
     * The tokens with a role: from the metadata, else found by their text (which makes them
     * control tokens, as llama.cpp does); and from them the tokens that end generation.
     */
    private static final class Roles {
        int bos;
        int eos;
        int eot;
        int eom;
        int unk;
        int fimPre;
        int fimSuf;
        int fimMid;
        int fimPad;
        int fimRep;
        int fimSep;

        static Roles fromMetadata(GgufMetadata md, Vocabulary.SpecialIds defaults, int n) {
            Roles r = new Roles();
            r.bos = specialId(md, "tokenizer.ggml.bos_token_id", defaults.bos(), n);
            r.eos = specialId(md, "tokenizer.ggml.eos_token_id", defaults.eos(), n);
            r.eot = specialId(md, "tokenizer.ggml.eot_token_id", Vocabulary.NO_TOKEN, n);
            r.eom = specialId(md, "tokenizer.ggml.eom_token_id", Vocabulary.NO_TOKEN, n);
            r.unk = specialId(md, "tokenizer.ggml.unknown_token_id", defaults.unk(), n);
            // The deprecated keys win over the fim_* ones, as in llama.cpp.
            r.fimPre = specialId(md, "tokenizer.ggml.prefix_token_id",
                    specialId(md, "tokenizer.ggml.fim_pre_token_id", Vocabulary.NO_TOKEN, n), n);
            r.fimSuf = specialId(md, "tokenizer.ggml.suffix_token_id",
                    specialId(md, "tokenizer.ggml.fim_suf_token_id", Vocabulary.NO_TOKEN, n), n);
            r.fimMid = specialId(md, "tokenizer.ggml.middle_token_id",
                    specialId(md, "tokenizer.ggml.fim_mid_token_id", Vocabulary.NO_TOKEN, n), n);
            r.fimPad = specialId(md, "tokenizer.ggml.fim_pad_token_id", Vocabulary.NO_TOKEN, n);
            r.fimRep = specialId(md, "tokenizer.ggml.fim_rep_token_id", Vocabulary.NO_TOKEN, n);
            r.fimSep = specialId(md, "tokenizer.ggml.fim_sep_token_id", Vocabulary.NO_TOKEN, n);
            return r;
        }

        /**
         * Roles the metadata left empty, found by their text. llama.cpp walks an unordered_map,
         * so where a vocabulary has two candidates for one role its pick is arbitrary; ascending
         * id order is used here.
         */
        void findByText(Vocabulary.Tokens tokens) {
            String[] texts = tokens.texts();
            int[] attrs = tokens.attrs();
            for (int i = 0; i < texts.length; i++) {
                String t = texts[i];
                eot = found(eot, EOT_TEXTS, t, attrs, texts, i);
                eom = found(eom, EOM_TEXTS, t, attrs, texts, i);
                fimPre = found(fimPre, FIM_PRE_TEXTS, t, attrs, texts, i);
                fimSuf = found(fimSuf, FIM_SUF_TEXTS, t, attrs, texts, i);
                fimMid = found(fimMid, FIM_MID_TEXTS, t, attrs, texts, i);
                fimPad = found(fimPad, FIM_PAD_TEXTS, t, attrs, texts, i);
                fimRep = found(fimRep, FIM_REP_TEXTS, t, attrs, texts, i);
                fimSep = found(fimSep, FIM_SEP_TEXTS, t, attrs, texts, i);
            }
        }

        private static int found(int role, Set<String> texts, String text, int[] attrs, String[] all, int id) {
            return role == Vocabulary.NO_TOKEN && texts.contains(text) ? forceControl(attrs, all, id) : role;
        }

        /** llama.cpp's special_eog_ids: FIM padding/repo/separator, end-of-turn texts, EOS, EOT and EOM. */
        BitSet endOfGeneration(Vocabulary.Tokens tokens) {
            String[] texts = tokens.texts();
            BitSet eog = new BitSet(texts.length);
            for (int id : new int[] {fimPad, fimRep, fimSep}) {
                if (id != Vocabulary.NO_TOKEN) {
                    eog.set(id);
                }
            }
            for (int i = 0; i < texts.length; i++) {
                if (EOG_TEXTS.contains(texts[i])) {
                    eog.set(forceControl(tokens.attrs(), texts, i));
                }
            }
            for (int id : new int[] {eos, eot, eom}) {
                if (id != Vocabulary.NO_TOKEN) {
                    eog.set(id);
                }
            }
            return eog;
        }

        Vocabulary.SpecialIds special() {
            return new Vocabulary.SpecialIds(bos, eos, eot, unk);
        }
    }

    /** tokenizer.ggml.merges: "left right" per line, the first space from the second character on. */
    private static Map<String, Integer> readMerges(GgufMetadata md) {
        String[] lines = md.getStringArray("tokenizer.ggml.merges")
                .orElseThrow(() -> new GgufFormatException("cannot find tokenizer merges (tokenizer.ggml.merges)"));
        Map<String, Integer> ranks = new HashMap<>(lines.length * 2);
        for (int i = 0; i < lines.length; i++) {
            // llama.cpp splits at find(' ', 1); a line without one can never be looked up
            if (lines[i].indexOf(' ', 1) > 0) {
                ranks.putIfAbsent(lines[i], i); // std::map::emplace keeps the first rank
            }
        }
        return ranks;
    }

    /** A special id from the metadata, or the default when absent or out of range (llama.cpp only warns). */
    private static int specialId(GgufMetadata md, String key, int fallback, int n) {
        OptionalLong v = md.getLong(key);
        if (v.isEmpty()) {
            return fallback;
        }
        long id = v.getAsLong() & 0xFFFFFFFFL; // read as uint32, as llama.cpp does
        if (id == 0xFFFFFFFFL) {
            return fallback; // -1: the converter's "no such token"
        }
        if (id >= n) {
            // llama.cpp warns and goes on; a damaged id would make every prompt wrong, so say so and stop.
            throw new exo.gguf.GgufFormatException(key + " is " + id + ", outside the vocabulary of " + n + " tokens");
        }
        return (int) id;
    }

    private static int forceControl(int[] attrs, String[] texts, int id) {
        if ((attrs[id] & TokenAttributes.CONTROL) == 0) {
            LOG.log(System.Logger.Level.DEBUG, "control-looking token " + id + " '" + texts[id]
                    + "' was not control-type; treating it as control (as llama.cpp)");
            attrs[id] = TokenAttributes.CONTROL;
        }
        return id;
    }

    /** cache_special_tokens: control, user-defined and unknown tokens, longest UTF-8 text first. */
    private static int[] specialTokens(String[] texts, int[] attrs) {
        List<Integer> special = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            if ((attrs[i] & (TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED | TokenAttributes.UNKNOWN)) != 0) {
                special.add(i);
            }
        }
        int[] byteLength = new int[texts.length];
        for (int id : special) {
            byteLength[id] = texts[id].getBytes(StandardCharsets.UTF_8).length;
        }
        special.sort(Comparator.comparingInt((Integer id) -> byteLength[id]).reversed());
        return special.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Per-model strip attributes llama.cpp sets by tokenizer or model name (they are not in GGUF). */
    private static void applyModelQuirks(GgufMetadata md, String pre, String[] texts, int[] attrs,
                                         Map<String, Integer> ids, int[] special) {
        String name = md.getString("general.name").orElse("").toLowerCase(Locale.ROOT);
        if (pre.contains("jina-v2-de") || pre.contains("jina-v2-es") || pre.contains("jina-v2-code")) {
            setAttr(attrs, ids, "<mask>", TokenAttributes.LSTRIP, true);
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : special) {
                attrs[id] |= TokenAttributes.RSTRIP;
            }
            setAttr(attrs, ids, "</s>", TokenAttributes.RSTRIP, true);
            for (String t : new String[] {"<unk>", "<s>", "<|endoftext|>"}) {
                setAttr(attrs, ids, t, TokenAttributes.RSTRIP, false);
            }
        }
    }

    private static void setAttr(int[] attrs, Map<String, Integer> ids, String text, int attr, boolean on) {
        Integer id = ids.get(text);
        if (id != null) {
            attrs[id] = on ? attrs[id] | attr : attrs[id] & ~attr;
        }
    }
}
