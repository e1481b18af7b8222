package exo.tokenizer.chat;

import exo.TestModels;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * More real templates (Qwen3, Qwen3.5, Llama 3.2, gpt-oss, GLM 4.5, Mistral Small 3.2, Phi-4 mini,
 * Seed-OSS, MiniMax M2, ...) rendered by jinja2 through render_expected.py's twelve
 * conversations (tools, two tool calls with object and string arguments, reasoning_content,
 * thinking in the content, enable_thinking=false, content parts): ../shared/models/
 * chat-templates-extra, or the directory the system property exo.chat.templates.extra names.
 * Vendor templates are not kept in this repository; the test is skipped where the set is absent.
 */
class ExtraReferenceTemplatesTest {
    @TestFactory
    Stream<DynamicTest> rendersAsJinja2() {
        String dir = System.getProperty("exo.chat.templates.extra");
        return ReferenceSet.tests(dir != null ? Path.of(dir) : TestModels.dir().resolve("chat-templates-extra"),
                AllReferenceTemplatesTest::check);
    }
}
