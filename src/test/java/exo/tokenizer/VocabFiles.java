package exo.tokenizer;

import exo.gguf.GgmlType;
import exo.gguf.GgufArray;
import exo.gguf.GgufValueType;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Small vocabularies of the families exo's tokenizer tests compare with llama.cpp, written as
 * tiny llama-shaped models (llama.cpp loads a vocabulary only with a model) by exo's GGUF writer:
 * a byte-level BPE vocabulary whose merges are learnt from a corpus with no pre-tokenization
 * (so they cross every place a pre-tokenizer may cut, and a wrong cut shows in the ids), and a
 * SentencePiece one in Gemma's style (byte fallback, no space prefix, turn markers).
 */
final class VocabFiles {
    private VocabFiles() {
    }

    /**
     * A byte-level BPE vocabulary: the 256 byte symbols, {@code merges} merges learnt greedily
     * from {@code corpus} (most frequent adjacent pair first, ties by text), then {@code special}
     * as control tokens.
     */
    record Bpe(List<String> tokens, List<String> merges, int[] types) {
        static Bpe learn(List<String> corpus, int merges, List<String> special) {
            List<List<String>> words = new ArrayList<>();
            for (String text : corpus) {
                List<String> symbols = new ArrayList<>();
                for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(String.valueOf(ByteUnicode.toChar(b & 0xFF)));
                }
                words.add(symbols);
            }
            List<String> tokens = new ArrayList<>();
            for (int b = 0; b < 256; b++) {
                tokens.add(String.valueOf(ByteUnicode.toChar(b)));
            }
            List<String> learnt = new ArrayList<>();
            for (int m = 0; m < merges; m++) {
                Map<String, Integer> counts = new HashMap<>();
                for (List<String> w : words) {
                    for (int i = 0; i + 1 < w.size(); i++) {
                        counts.merge(w.get(i) + " " + w.get(i + 1), 1, Integer::sum);
                    }
                }
                String best = null;
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    if (best == null || e.getValue() > counts.get(best)
                            || e.getValue().equals(counts.get(best)) && e.getKey().compareTo(best) < 0) {
                        best = e.getKey();
                    }
                }
                if (best == null || counts.get(best) < 2) {
                    break;
                }
                String[] pair = best.split(" ", 2);
                String joined = pair[0] + pair[1];
                if (!tokens.contains(joined)) {
                    tokens.add(joined);
                }
                learnt.add(best);
                for (List<String> w : words) {
                    for (int i = 0; i + 1 < w.size(); i++) {
                        if (w.get(i).equals(pair[0]) && w.get(i + 1).equals(pair[1])) {
                            w.set(i, joined);
                            w.remove(i + 1);
                        }
                    }
                }
            }
            int[] types = new int[tokens.size() + special.size()];
            java.util.Arrays.fill(types, 1); // normal
            for (int i = 0; i < special.size(); i++) {
                types[tokens.size() + i] = 3; // control
            }
            List<String> all = new ArrayList<>(tokens);
            all.addAll(special);
            return new Bpe(all, learnt, types);
        }

        int id(String text) {
            return tokens.indexOf(text);
        }
    }

    /** A BPE vocabulary file with pre-tokenizer {@code pre}; {@code ids} are extra tokenizer.ggml.*_token_id keys. */
    static void writeBpe(Path path, Bpe vocab, String pre, Map<String, Integer> ids) throws IOException {
        GgufWriter w = model(vocab.tokens().size())
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", pre)
                .putArray("tokenizer.ggml.tokens", strings(vocab.tokens()))
                .putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, vocab.types()))
                .putArray("tokenizer.ggml.merges", strings(vocab.merges()));
        ids.forEach((k, v) -> w.putUInt32("tokenizer.ggml." + k + "_token_id", v));
        addTensors(w, vocab.tokens().size());
        w.write(path);
    }

    /**
     * Gemma 3's kind of SentencePiece vocabulary: pad, eos, bos, unk at 0-3 as Gemma numbers them,
     * the turn markers as control tokens, 256 byte-fallback tokens, then pieces (with "▁" for
     * space) scored by how often they occur in {@code corpus}; add_space_prefix false.
     */
    static List<String> writeGemmaSpm(Path path, List<String> corpus) throws IOException {
        List<String> tokens = new ArrayList<>(List.of("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>",
                "<end_of_turn>", "<mask>"));
        List<Integer> types = new ArrayList<>(List.of(3, 3, 3, 2, 3, 3, 4));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
            scores.add(0f);
        }
        Map<String, Integer> freq = new LinkedHashMap<>();
        for (String text : corpus) {
            String s = text.replace(' ', '\u2581');
            int[] cps = s.codePoints().toArray();
            for (int i = 0; i < cps.length; i++) {
                for (int len = 1; len <= 4 && i + len <= cps.length; len++) {
                    freq.merge(new String(cps, i, len), 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> pieces = new ArrayList<>(freq.entrySet());
        pieces.removeIf(e -> e.getKey().codePointCount(0, e.getKey().length()) > 1 && e.getValue() < 2
                || e.getKey().contains("<") || e.getKey().chars().anyMatch(c -> c < 0x20));
        pieces.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        float score = -1;
        for (Map.Entry<String, Integer> e : pieces) {
            tokens.add(e.getKey());
            types.add(1);
            scores.add(score);
            score -= 0.25f;
        }
        float[] sc = new float[scores.size()];
        int[] ty = new int[types.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scores.get(i);
            ty[i] = types.get(i);
        }
        GgufWriter w = model(tokens.size())
                .putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", strings(tokens))
                .putArray("tokenizer.ggml.scores", new GgufArray(GgufValueType.FLOAT32, sc))
                .putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, ty))
                .putUInt32("tokenizer.ggml.bos_token_id", 2)
                .putUInt32("tokenizer.ggml.eos_token_id", 1)
                .putUInt32("tokenizer.ggml.unknown_token_id", 3)
                .putUInt32("tokenizer.ggml.padding_token_id", 0)
                .put("tokenizer.ggml.add_bos_token", exo.gguf.GgufValue.ofBool(true))
                .put("tokenizer.ggml.add_space_prefix", exo.gguf.GgufValue.ofBool(false));
        addTensors(w, tokens.size());
        w.write(path);
        return tokens;
    }

    private static GgufArray strings(List<String> values) {
        return new GgufArray(GgufValueType.STRING, values.toArray(String[]::new));
    }

    /** The llama keys of a one-block model 32 wide, with room for {@code vocab} tokens. */
    private static GgufWriter model(int vocab) {
        return new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "exo tokenizer test vocabulary")
                .putUInt32("llama.context_length", 128)
                .putUInt32("llama.embedding_length", 32)
                .putUInt32("llama.block_count", 1)
                .putUInt32("llama.feed_forward_length", 64)
                .putUInt32("llama.rope.dimension_count", 16)
                .putUInt32("llama.attention.head_count", 2)
                .putUInt32("llama.attention.head_count_kv", 2)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", vocab);
    }

    private static void addTensors(GgufWriter w, int vocab) {
        SplittableRandom rnd = new SplittableRandom(7);
        f32(w, rnd, "token_embd.weight", 32, vocab);
        f32(w, rnd, "output_norm.weight", 32);
        f32(w, rnd, "output.weight", 32, vocab);
        f32(w, rnd, "blk.0.attn_norm.weight", 32);
        for (String n : new String[] {"attn_q", "attn_k", "attn_v", "attn_output"}) {
            f32(w, rnd, "blk.0." + n + ".weight", 32, 32);
        }
        f32(w, rnd, "blk.0.ffn_norm.weight", 32);
        f32(w, rnd, "blk.0.ffn_gate.weight", 32, 64);
        f32(w, rnd, "blk.0.ffn_up.weight", 32, 64);
        f32(w, rnd, "blk.0.ffn_down.weight", 64, 32);
    }

    private static void f32(GgufWriter w, SplittableRandom rnd, String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5) * 0.1f;
        }
        w.addF32(name, dims, v);
    }
}
