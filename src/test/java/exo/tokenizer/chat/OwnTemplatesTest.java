package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Templates written for exo's tests (resources templates/: an agent ChatML, TypeScript tool
 * schemas through recursive macros and a call block, Llama-style headers with every form of
 * whitespace control) rendered by jinja2 through render_expected.py's twelve conversations;
 * exo renders each byte for byte, and refuses where jinja2 refused.
 */
class OwnTemplatesTest {
    static ReferenceSet own() throws URISyntaxException {
        return ReferenceSet.read(Path.of(OwnTemplatesTest.class.getResource("templates/expected/cases.json").toURI())
                .getParent().getParent());
    }

    @TestFactory
    Stream<DynamicTest> rendersAsJinja2() throws URISyntaxException {
        return ReferenceSet.tests(own().dir(), AllReferenceTemplatesTest::check);
    }

    @Test
    void threeTemplatesTwelveConversations() throws URISyntaxException {
        assertEquals(3 * 12, own().cases().size());
    }
}
