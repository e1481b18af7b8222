package exo.repl;

import exo.TestModels;
import exo.engine.Generator;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatTemplate;
import exo.tokenizer.chat.ChatTemplates;
import java.io.IOException;
import java.nio.file.Path;

/**
 * stories260K opened for chat tests (skipped with the reason printed when the file is absent),
 * with greedy sampling. Each conversation gets its own session, so tests sharing one engine
 * do not see each other's cache.
 */
final class Stories implements AutoCloseable {
    final WorkerPool pool;
    final JavaEngine engine;
    final Tokenizer tokenizer;
    final ChatTemplate template;
    private int sessions;

    private Stories(Path model, int context) throws IOException {
        pool = new WorkerPool(1);
        engine = JavaEngine.open(model, 0, -1, pool, context);
        tokenizer = Tokenizers.fromMetadata(engine.file().metadata());
        template = ChatTemplates.forModel(engine.file().metadata(), tokenizer);
    }

    /** @param context context length, 0 for the model's */
    static Stories open(int context) throws IOException {
        return new Stories(TestModels.stories260K(), context);
    }

    Generator generator() {
        return new Generator(engine, tokenizer, "test-" + sessions++);
    }

    Conversation conversation(Generator generator, String system) {
        return new Conversation(generator, tokenizer, template, new Sampler(SamplingParams.GREEDY),
                engine.contextLength(), system);
    }

    Conversation conversation() {
        return conversation(generator(), null);
    }

    @Override
    public void close() {
        engine.close();
        pool.close();
    }
}
