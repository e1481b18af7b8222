package exo.tokenizer.chat.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded output: the whole parse gives the expected content, reasoning and calls; and
 * streamed in pieces, split at every point, at every pair of points, a character at a time and
 * at random, the events add up to exactly the whole parse, in a well-formed order.
 */
class ToolCallParserTest {
    static Stream<RecordedOutputs.Case> cases() {
        return RecordedOutputs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wholeOutput(RecordedOutputs.Case c) {
        ParsedMessage m = ToolCallParser.parse(c.syntax(), c.output(), ToolCallIds.seeded(1));
        assertEquals(c.content(), m.content(), "content");
        assertEquals(c.reasoning(), m.reasoning(), "reasoning");
        assertEquals(c.calls().size(), m.toolCalls().size(), () -> "calls: " + m.toolCalls());
        for (int i = 0; i < c.calls().size(); i++) {
            RecordedOutputs.Expected e = c.calls().get(i);
            ToolCall got = m.toolCalls().get(i);
            assertEquals(e.name(), got.name());
            assertEquals(e.arguments(), got.arguments());
            assertEquals(e.complete(), got.complete());
            if (e.id() != null) {
                assertEquals(e.id(), got.id());
            } else {
                assertTrue(got.id().matches("call_[A-Za-z0-9]{24}"), got.id());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedAtEverySplitAddsUpToTheWholeParse(RecordedOutputs.Case c) {
        ParsedMessage whole = ToolCallParser.parse(c.syntax(), c.output(), ToolCallIds.seeded(7));
        String s = c.output();
        int n = s.length();
        // one character at a time
        List<String> chars = new ArrayList<>();
        s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        check(c, whole, chars);
        for (int i = 0; i <= n; i++) {
            if (splitsCharacter(s, i)) {
                continue;
            }
            check(c, whole, List.of(s.substring(0, i), s.substring(i)));
            for (int j = i; j <= n; j++) {
                if (!splitsCharacter(s, j)) {
                    check(c, whole, List.of(s.substring(0, i), s.substring(i, j), s.substring(j)));
                }
            }
        }
        SplittableRandom random = new SplittableRandom(c.label().hashCode());
        for (int round = 0; round < 200; round++) {
            List<String> pieces = new ArrayList<>();
            int at = 0;
            while (at < n) {
                int next = Math.min(n, at + 1 + random.nextInt(8));
                while (splitsCharacter(s, next)) {
                    next++;
                }
                pieces.add(s.substring(at, next));
                at = next;
            }
            check(c, whole, pieces);
        }
    }

    private static boolean splitsCharacter(String s, int i) {
        return i > 0 && i < s.length() && Character.isLowSurrogate(s.charAt(i));
    }

    /** Streams {@code pieces} and checks the events rebuild {@code whole}. */
    static void check(RecordedOutputs.Case c, ParsedMessage whole, List<String> pieces) {
        StreamingToolCallParser p = new StreamingToolCallParser(c.syntax(), ToolCallIds.seeded(7));
        List<ToolCallEvent> events = new ArrayList<>();
        for (String piece : pieces) {
            events.addAll(p.push(piece));
        }
        events.addAll(p.finish());
        ParsedMessage rebuilt = rebuild(events, pieces);
        assertEquals(whole, rebuilt, () -> c.label() + " split as " + pieces);
        assertEquals(whole, p.message());
    }

    /** Puts a message together from events, checking each call goes start, arguments, end. */
    static ParsedMessage rebuild(List<ToolCallEvent> events, List<String> pieces) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<StringBuilder> args = new ArrayList<>();
        List<Boolean> complete = new ArrayList<>();
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.ContentDelta d -> {
                    assertTrue(!d.text().isEmpty(), "no empty deltas");
                    content.append(d.text());
                }
                case ToolCallEvent.ReasoningDelta d -> reasoning.append(d.text());
                case ToolCallEvent.ToolCallStart st -> {
                    assertEquals(ids.size(), st.index(), "calls start in order " + pieces);
                    ids.add(st.id());
                    names.add(st.name());
                    args.add(new StringBuilder());
                    complete.add(null);
                }
                case ToolCallEvent.ToolCallArguments a -> {
                    assertTrue(a.index() < ids.size() && complete.get(a.index()) == null, "arguments inside a started, open call");
                    args.get(a.index()).append(a.fragment());
                }
                case ToolCallEvent.ToolCallEnd end -> {
                    assertTrue(complete.get(end.index()) == null, "one end per call");
                    complete.set(end.index(), end.complete());
                }
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            assertTrue(complete.get(i) != null, "every call ends " + pieces);
            calls.add(new ToolCall(ids.get(i), names.get(i), args.get(i).toString(), complete.get(i)));
        }
        return new ParsedMessage(content.toString(), reasoning.toString(), calls);
    }
}
