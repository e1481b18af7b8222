package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.ggml.GgmlEngine;
import exo.engine.sampling.SamplingParams;
import exo.gguf.GgufFile;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatTemplates;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server's model: the between-requests hook (where a ring takes in new machines) never runs mid-answer. */
class ServedModelTest {
    @Test
    void theHookRunsBetweenRequestsAndNeverWhileOneGenerates() throws Exception {
        var metadata = GgufFile.readHeader(TestModels.stories260K()).metadata();
        Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
        AtomicInteger hooks = new AtomicInteger();
        AtomicInteger generating = new AtomicInteger();
        AtomicInteger hookWhileGenerating = new AtomicInteger();
        try (GgmlEngine engine = GgmlEngine.open(TestModels.stories260K(), 0, -1, 1, 512)) {
            ServedModel model = new ServedModel("stories260K", engine, tokenizer,
                    ChatTemplates.forModel(metadata, tokenizer), SamplingParams.GREEDY,
                    new ModelCard("llama", 1, 1, "F32"), List::of, () -> {
                        hooks.incrementAndGet();
                        if (generating.get() > 0) {
                            hookWhileGenerating.incrementAndGet();
                        }
                    });
            ServedModel.Request request = new ServedModel.Request(model.textPrompt("Once upon a time"), 40,
                    SamplingParams.GREEDY, List.of());
            model.generate(request, text -> { }, () -> false);
            model.generate(request, text -> { }, () -> false);
            assertEquals(2, hooks.get(), "before each of two requests one after the other");

            // A second request arriving while the first generates does not run the hook.
            var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<ServedModel.Result> first = CompletableFuture.supplyAsync(() ->
                    model.generate(request, text -> {
                        generating.set(1);
                        started.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, () -> false), threads);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<ServedModel.Result> second = CompletableFuture.supplyAsync(() ->
                    model.generate(request, text -> { }, () -> false), threads);
            // The second is past its check once it holds the gate beside the first.
            var gate = (java.util.concurrent.locks.ReentrantReadWriteLock) model.gate();
            long deadline = System.currentTimeMillis() + 10_000;
            while (gate.getReadLockCount() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2, gate.getReadLockCount(), "both requests are in");
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            generating.set(0);
            second.get(30, TimeUnit.SECONDS);
            assertEquals(3, hooks.get(), "the first of the overlapping pair ran it; the second did not");
            assertEquals(0, hookWhileGenerating.get());
            threads.shutdown();
        }
    }
}
