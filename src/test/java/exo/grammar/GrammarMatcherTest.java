package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The matcher over bytes: incremental, UTF-8 characters split between tokens, invalid UTF-8 refused. */
class GrammarMatcherTest {
    @Test
    void followsTextPieceByPieceAndSaysWhenItMayEnd() {
        GrammarMatcher m = new GrammarMatcher(Grammar.parse("root ::= \"ab\" \"c\"*"));
        assertFalse(m.isComplete());
        assertTrue(m.canContinue());
        assertTrue(m.advance("a"));
        assertFalse(m.isComplete());
        assertTrue(m.advance("b"));
        assertTrue(m.isComplete());
        assertTrue(m.canContinue());
        assertFalse(m.advance("x"), "refused");
        assertTrue(m.isComplete(), "a refused piece leaves the state as it was");
        assertTrue(m.advance("cc"));
        assertTrue(m.isComplete());
    }

    @Test
    void endsWhenNothingCanFollow() {
        GrammarMatcher m = new GrammarMatcher(Grammar.parse("root ::= \"end\""));
        assertTrue(m.advance("end"));
        assertTrue(m.isComplete());
        assertFalse(m.canContinue());
        assertFalse(m.accepts(" "));
    }

    @Test
    void acceptsDoesNotMove() {
        GrammarMatcher m = new GrammarMatcher(Grammar.parse("root ::= \"xy\""));
        assertTrue(m.accepts("x"));
        assertTrue(m.accepts("xy"));
        assertFalse(m.accepts("y"));
        assertTrue(m.advance("x"));
        assertTrue(m.accepts("y"));
    }

    @Test
    void aCharacterSplitAtEveryByteBoundary() {
        Grammar g = Grammar.parse("root ::= \"a\" [é日😀]+ \"z\"");
        byte[] text = "a日é😀日z".getBytes(StandardCharsets.UTF_8);
        for (int cut1 = 0; cut1 <= text.length; cut1++) {
            for (int cut2 = cut1; cut2 <= text.length; cut2++) {
                GrammarMatcher m = new GrammarMatcher(g);
                assertTrue(m.advance(Arrays.copyOfRange(text, 0, cut1)), cut1 + "/" + cut2);
                assertTrue(m.advance(Arrays.copyOfRange(text, cut1, cut2)), cut1 + "/" + cut2);
                assertTrue(m.advance(Arrays.copyOfRange(text, cut2, text.length)), cut1 + "/" + cut2);
                assertTrue(m.isComplete());
            }
        }
    }

    @Test
    void aHalfCharacterIsNotComplete() {
        GrammarMatcher m = new GrammarMatcher(Grammar.parse("root ::= \"é\"?"));
        assertTrue(m.isComplete());
        assertTrue(m.advance(new byte[] {(byte) 0xC3}));
        assertFalse(m.isComplete(), "half of é");
        assertTrue(m.canContinue());
        assertTrue(m.advance(new byte[] {(byte) 0xA9}));
        assertTrue(m.isComplete());
    }

    @Test
    void aLeadByteIsRefusedWhenNoCharacterItBeginsCanMatch() {
        // 日 is E6 97 A5; the class holds only two-byte characters
        MatchState s = Grammar.parse("root ::= [\\u0080-\\u07FF]").compile().initialState();
        assertNull(s.advanceByte((byte) 0xE6));
        assertNotNull(s.advanceByte((byte) 0xC3));
        // and a continuation that leaves the class's range
        MatchState only = Grammar.parse("root ::= \"日\"").compile().initialState();
        MatchState lead = only.advanceByte((byte) 0xE6);
        assertNotNull(lead);
        assertNull(lead.advanceByte((byte) 0x80), "E6 80 xx is U+6000..U+603F, not 日");
        assertNotNull(lead.advanceByte((byte) 0x97));
    }

    @Test
    void invalidUtf8IsRefusedEvenWhereAnyCharacterIsAllowed() {
        MatchState any = Grammar.parse("root ::= .*").compile().initialState();
        for (int[] bad : new int[][] {
            {0x80}, // a lone continuation byte
            {0xC0, 0x80}, // overlong NUL
            {0xC1, 0xBF}, // overlong
            {0xE0, 0x80, 0x80}, // overlong three bytes
            {0xED, 0xA0, 0x80}, // a UTF-16 surrogate
            {0xF4, 0x90, 0x80, 0x80}, // beyond U+10FFFF
            {0xF5, 0x80, 0x80, 0x80}, // no such lead byte
            {0xFF},
            {0xC3, 0x41}, // lead byte then ASCII
        }) {
            byte[] b = new byte[bad.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) bad[i];
            }
            assertNull(any.advance(b), Arrays.toString(bad));
        }
        assertNotNull(any.advance("é日😀\u0000".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void boundedRepetitionCountsCharacters() {
        Grammar g = Grammar.parse("root ::= [a-z]{2,4}");
        assertFalse(complete(g, "a"));
        assertTrue(complete(g, "ab"));
        assertTrue(complete(g, "abcd"));
        assertFalse(new GrammarMatcher(g).advance("abcde"));
    }

    @Test
    void ambiguousGrammarsMergeTheirStacks() {
        // every split of the a's is a parse; merging keeps the stacks few
        Grammar g = Grammar.parse("root ::= x*\nx ::= \"a\" | \"aa\" | \"aaa\"");
        GrammarMatcher m = new GrammarMatcher(g);
        for (int i = 0; i < 200; i++) {
            assertTrue(m.advance("a"));
        }
        assertTrue(m.isComplete());
        assertTrue(m.state().stackCount() <= 6, "stacks: " + m.state().stackCount());
    }

    @Test
    void statesAreValuesThatCanBeTriedAgain() {
        MatchState start = Grammar.parse("root ::= \"a\" | \"b\"").compile().initialState();
        MatchState a1 = start.advance("a");
        MatchState a2 = start.advance("a");
        assertEquals(a1, a2);
        assertEquals(a1.hashCode(), a2.hashCode());
        assertTrue(a1.isComplete());
        assertNotNull(start.advance("b"), "the start state did not change");
    }

    private static boolean complete(Grammar g, String s) {
        GrammarMatcher m = new GrammarMatcher(g);
        return m.advance(s) && m.isComplete();
    }
}
