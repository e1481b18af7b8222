package exo.serve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import exo.TestModels;
import exo.engine.ggml.GgmlEngine;
import exo.engine.sampling.SamplingParams;
import exo.gguf.GgufFile;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatTemplates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Any body sent to the generation endpoints of OpenAI's and Ollama's APIs, down the server's
 * own path up to generation: the strict JSON reader, the API's parsing, then the prompt's
 * bounded count and tokens and the context check. Each body is answered or refused as a 4xx
 * (an {@link exo.serve.http.HttpError} or bad input, which {@link HttpApi#refusal} maps);
 * never another exception, which would be a 500. The first byte picks the endpoint by its two
 * low bits (so the saved inputs can start with the digits 0 to 3 and stay text).
 */
class RequestBodyFuzzTest {
    /** Made on first use, so that without ../shared the test is skipped rather than broken. */
    private static ServedModel model;

    private static synchronized ServedModel model() {
        if (model != null) {
            return model;
        }
        try {
            var metadata = GgufFile.readHeader(TestModels.stories260K()).metadata();
            Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
            // Parsing never runs the engine; one is needed to make the model.
            GgmlEngine engine = GgmlEngine.open(TestModels.stories260K(), 0, -1, 1, 512);
            model = new ServedModel("stories260K", engine, tokenizer, ChatTemplates.forModel(metadata, tokenizer),
                    SamplingParams.GREEDY, new ModelCard("llama", 1, 1, "F32"), List::of, () -> { });
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void bodiesParseOrAreRefused(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int endpoint = data[0] & 3;
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        ServedModel served = model();
        try {
            var json = exo.serve.http.StrictJson.parse(body);
            ServedModel.Ask ask = switch (endpoint) {
                case 0 -> new OpenAiApi(served).parseChat(json).ask();
                case 1 -> new OpenAiApi(served).parseCompletion(json).ask();
                case 2 -> new OllamaApi(served).parseChat(json).ask();
                default -> new OllamaApi(served).parseGenerate(json).ask();
            };
            served.checkFits(ask.with(served.tokens(ask.prompt(), () -> false)));
        } catch (RuntimeException e) {
            if (HttpApi.refusal(e) == null) {
                throw e; // a 500: the server's fault
            }
        }
    }
}
