package exo.engine.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.Activations;
import exo.engine.java.tensor.WorkerPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model run as a chain of slices, hidden state handed on, equals the whole model exactly. */
class SliceExactnessTest {

    /** Runs input through the engines in order, as a ring would. */
    static Activations.Logits chain(List<JavaEngine> engines, String session, int position, Activations input) {
        Activations a = input;
        for (JavaEngine e : engines) {
            a = e.forward(session, position, a);
        }
        return (Activations.Logits) a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,2,5", "0,1,3,5"})
    void slicesGiveBitIdenticalLogitsFor100Steps(String cuts) throws Exception {
        Path model = TestModels.stories260K();
        String[] c = cuts.split(",");
        try (WorkerPool pool = new WorkerPool(2); JavaEngine whole = JavaEngine.openWhole(model, pool)) {
            List<JavaEngine> slices = new ArrayList<>();
            try {
                for (int i = 0; i + 1 < c.length; i++) {
                    slices.add(JavaEngine.open(model, Integer.parseInt(c[i]), Integer.parseInt(c[i + 1]), pool, 0));
                }
                assertTrue(slices.getFirst().shard().isFirst() && !slices.getFirst().shard().isLast());
                int[] prompt = Stories260KReference.ONCE_UPON_A_TIME;
                float[] a = ((Activations.Logits) whole.forward("s", 0, new Activations.Tokens(prompt))).last();
                float[] b = chain(slices, "s", 0, new Activations.Tokens(prompt)).last();
                int pos = prompt.length;
                for (int step = 0; step < 100; step++) {
                    assertArrayEquals(a, b, "step " + step);
                    int next = JavaEngineStoriesTest.argmax(a);
                    a = ((Activations.Logits) whole.forward("s", pos, new Activations.Tokens(new int[] {next}))).last();
                    b = chain(slices, "s", pos, new Activations.Tokens(new int[] {next})).last();
                    pos++;
                }
                for (JavaEngine s : slices) {
                    assertEquals(pos, s.sessionLength("s"));
                }
            } finally {
                slices.forEach(JavaEngine::close);
            }
        }
    }

    /**
     * Qwen2 and Qwen3 shapes too (biases, per-head Q/K norms, NeoX rope). llama.cpp b4916 has
     * no qwen3, so for it this exactness and the stories/qwen2 agreement with llama.cpp are the
     * checks available here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3"})
    void qwenSlicesEqualTheWholeModel(String arch, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path model = dir.resolve(arch + ".gguf");
        new exo.synthetic.SyntheticModel(128, 4, 4, 2, 256, 512, 128, exo.gguf.GgmlType.F32, 3).as(arch).write(model);
        try (WorkerPool pool = new WorkerPool(2); JavaEngine whole = JavaEngine.openWhole(model, pool);
             JavaEngine head = JavaEngine.open(model, 0, 2, pool, 0); JavaEngine tail = JavaEngine.open(model, 2, 4, pool, 0)) {
            assertEquals(arch, whole.config().architecture().ggufName());
            assertEquals(arch.equals("qwen3"), whole.file().tensorInfo("blk.0.attn_q_norm.weight") != null);
            assertEquals(arch.equals("qwen2"), whole.file().tensorInfo("blk.0.attn_q.bias") != null);
            int[] tokens = {1, 300, 301, 302, 303};
            float[] a = ((Activations.Logits) whole.forward("s", 0, new Activations.Tokens(tokens))).last();
            float[] b = chain(List.of(head, tail), "s", 0, new Activations.Tokens(tokens)).last();
            for (int pos = tokens.length; pos < tokens.length + 20; pos++) {
                assertArrayEquals(a, b, arch + " position " + pos);
                int next = JavaEngineStoriesTest.argmax(a);
                a = ((Activations.Logits) whole.forward("s", pos, new Activations.Tokens(new int[] {next}))).last();
                b = chain(List.of(head, tail), "s", pos, new Activations.Tokens(new int[] {next})).last();
            }
        }
    }

    @Test
    void aMiddleSliceTakesAndGivesHiddenStates() throws Exception {
        try (WorkerPool pool = new WorkerPool(1);
             JavaEngine head = JavaEngine.open(TestModels.stories260K(), 0, 1, pool, 0);
             JavaEngine middle = JavaEngine.open(TestModels.stories260K(), 1, 3, pool, 0)) {
            Activations h = head.forward("s", 0, new Activations.Tokens(new int[] {1, 403}));
            assertTrue(h instanceof Activations.Hidden hid && hid.count() == 2 && hid.dim() == 64);
            Activations m = middle.forward("s", 0, h);
            assertTrue(m instanceof Activations.Hidden);
            assertFalse(middle.shard().isFirst() || middle.shard().isLast());
            assertThrows(IllegalArgumentException.class, () -> middle.forward("t", 0, new Activations.Tokens(new int[] {1})));
            assertThrows(IllegalArgumentException.class, () -> head.forward("t", 0, h));
        }
    }

    @Test
    void impossibleSlicesAreRefused() {
        Path model = TestModels.stories260K();
        try (WorkerPool pool = new WorkerPool(1)) {
            assertThrows(IllegalArgumentException.class, () -> JavaEngine.open(model, 3, 3, pool, 0));
            assertThrows(IllegalArgumentException.class, () -> JavaEngine.open(model, 0, 6, pool, 0));
            assertThrows(IllegalArgumentException.class, () -> JavaEngine.open(model, -1, 2, pool, 0));
        }
    }
}
