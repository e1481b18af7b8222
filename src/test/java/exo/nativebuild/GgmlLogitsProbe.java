package exo.nativebuild;

import exo.synthetic.SyntheticModel;
import exo.engine.Activations;
import exo.engine.GpuMode;
import exo.engine.InferenceEngine;
import exo.engine.ggml.GgmlDevices;
import exo.engine.ggml.GgmlEngine;
import exo.engine.llamacpp.LlamaLibrary;
import exo.engine.llamacpp.Logits;
import exo.gguf.GgmlType;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that runs exo's ggml engine on whatever library {@code EXO_LLAMA_LIB} names (or the
 * bundled one), so that two libraries can be compared from outside, each in a JVM of its own (the
 * library is loaded once per process).
 *
 * <pre>
 * dump OUT [--synthetic DIR] MODEL...     every logit of a greedy run, whole and split in two slices,
 *                                         as raw float bits into OUT; one line per model on stdout
 * compare [--synthetic DIR] MODEL...      the first GPU (--gpu auto) against the CPU (--gpu off):
 *                                         largest logit difference and argmax agreement, teacher-forced
 *                                         on the CPU's greedy tokens, whole and with a GPU head slice
 * </pre>
 * {@code --synthetic DIR} first writes small Q4_K_M, Q8_0 and Q4_0 files with exo's SyntheticModel,
 * quantized by the loaded library's {@code ggml_quantize_chunk}, and adds them to the models.
 * Used by {@link LlamaBuildIT} and native-build/gpu-check.sh; bad arguments exit 2 with one line.
 */
public final class GgmlLogitsProbe {
    /** BOS "Once upon a time" in stories260K's vocabulary; valid in the synthetic files' too. */
    static final int[] PROMPT = {1, 403, 407, 261, 378};
    static final int STEPS = 12;
    /** Q4_0 too: on the CPU its matrices are repacked through ggml-cpu's aarch64 buffer type (a C++ symbol). */
    static final List<String> SYNTHETIC_QUANTS = List.of("Q4_K_M", "Q8_0", "Q4_0");

    private GgmlLogitsProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("dump") || args[0].equals("compare"))) {
            System.err.println("usage: GgmlLogitsProbe dump OUT [--synthetic DIR] MODEL... | compare [--synthetic DIR] MODEL...");
            System.exit(2);
        }
        boolean dump = args[0].equals("dump");
        int next = dump ? 2 : 1;
        List<Path> models = new ArrayList<>();
        for (int i = next; i < args.length; i++) {
            if (args[i].equals("--synthetic") && i + 1 < args.length) {
                models.addAll(writeSynthetic(Path.of(args[++i])));
            } else {
                models.add(Path.of(args[i]));
            }
        }
        LlamaLibrary library = LlamaLibrary.bundled();
        System.out.println("library build=" + library.buildNumber() + " commit=" + library.commit()
                + " evidence=" + library.buildEvidence());
        System.out.println("system " + library.systemInfo());
        for (GgmlDevices.Device d : GgmlDevices.list()) {
            System.out.println("device " + d.name() + " kind=" + d.kind() + " free=" + d.freeBytes() + " total="
                    + d.totalBytes() + " (" + d.description() + ")");
        }
        if (dump) {
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(Path.of(args[1]))))) {
                for (Path model : models) {
                    dump(model, out);
                }
            }
        } else {
            for (Path model : models) {
                compare(model);
            }
        }
    }

    /** Small llama files of {@link #SYNTHETIC_QUANTS}, quantized by the loaded library. */
    static List<Path> writeSynthetic(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (String quant : SYNTHETIC_QUANTS) {
            Path file = dir.resolve("synthetic-" + quant + ".gguf");
            new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 5).quantized(quant).write(file);
            out.add(file);
        }
        return out;
    }

    private static void dump(Path model, DataOutputStream out) throws IOException {
        try (GgmlEngine whole = GgmlEngine.open(model, 0, -1, 2, 512)) {
            int layers = whole.shard().layers();
            try (GgmlEngine head = GgmlEngine.open(model, 0, layers / 2, 2, 512);
                 GgmlEngine tail = GgmlEngine.open(model, layers / 2, -1, 2, 512)) {
                int[] tokens = PROMPT;
                int position = 0;
                List<Integer> greedy = new ArrayList<>();
                for (int step = 0; step < STEPS; step++) {
                    float[] x = logits(whole, position, tokens);
                    float[] y = logits(tail, position, head.forward("s", position, new Activations.Tokens(tokens)));
                    write(out, x);
                    write(out, y);
                    position += tokens.length;
                    int token = Logits.argmax(last(x, whole.vocabSize()));
                    greedy.add(token);
                    tokens = new int[] {token};
                }
                System.out.println("model " + model.getFileName() + " backend=" + whole.backendName() + " layers="
                        + layers + " greedy=" + greedy);
            }
        }
    }

    private static void compare(Path model) throws IOException {
        try (GgmlEngine cpu = GgmlEngine.open(model, 0, -1, 2, 512, GpuMode.OFF);
             GgmlEngine gpu = GgmlEngine.open(model, 0, -1, 2, 512, GpuMode.AUTO)) {
            int layers = cpu.shard().layers();
            try (GgmlEngine gpuHead = GgmlEngine.open(model, 0, layers / 2, 2, 512, GpuMode.AUTO);
                 GgmlEngine cpuTail = GgmlEngine.open(model, layers / 2, -1, 2, 512, GpuMode.OFF)) {
                int[] tokens = PROMPT;
                int position = 0;
                double wholeDiff = 0;
                double splitDiff = 0;
                int agree = 0;
                int splitAgree = 0;
                for (int step = 0; step < STEPS; step++) {
                    float[] x = last(logits(cpu, position, tokens), cpu.vocabSize());
                    float[] y = last(logits(gpu, position, tokens), cpu.vocabSize());
                    float[] z = last(logits(cpuTail, position,
                            gpuHead.forward("s", position, new Activations.Tokens(tokens))), cpu.vocabSize());
                    wholeDiff = Math.max(wholeDiff, maxAbsDiff(x, y));
                    splitDiff = Math.max(splitDiff, maxAbsDiff(x, z));
                    int token = Logits.argmax(x);
                    agree += Logits.argmax(y) == token ? 1 : 0;
                    splitAgree += Logits.argmax(z) == token ? 1 : 0;
                    position += tokens.length;
                    tokens = new int[] {token};
                }
                System.out.printf("compare %s gpu=%s steps=%d whole_max_abs_diff=%.3g whole_argmax_agree=%d/%d "
                                + "gpu_head_cpu_tail_max_abs_diff=%.3g gpu_head_cpu_tail_argmax_agree=%d/%d%n",
                        model.getFileName(), gpu.backendName(), STEPS, wholeDiff, agree, STEPS, splitDiff, splitAgree,
                        STEPS);
            }
        }
    }

    private static float[] logits(InferenceEngine engine, int position, int[] tokens) {
        return logits(engine, position, new Activations.Tokens(tokens));
    }

    private static float[] logits(InferenceEngine engine, int position, Activations input) {
        return ((Activations.Logits) engine.forward("s", position, input, true)).data();
    }

    private static float[] last(float[] all, int vocab) {
        return java.util.Arrays.copyOfRange(all, all.length - vocab, all.length);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
        }
        return d;
    }

    private static void write(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }
}
