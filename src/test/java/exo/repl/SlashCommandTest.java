package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlashCommandTest {
    @Test
    void namesAndOllamaAliases() {
        assertEquals(Optional.of(SlashCommand.EXIT), SlashCommand.parse("/exit"));
        assertEquals(Optional.of(SlashCommand.EXIT), SlashCommand.parse(" /BYE "));
        assertEquals(Optional.of(SlashCommand.RESET), SlashCommand.parse("/clear"));
        assertEquals(Optional.of(SlashCommand.HELP), SlashCommand.parse("/?"));
        assertEquals(Optional.of(SlashCommand.STATS), SlashCommand.parse("/stats"));
    }

    @Test
    void unknownOrWithArguments() {
        assertEquals(Optional.empty(), SlashCommand.parse("/x"));
        assertEquals(Optional.empty(), SlashCommand.parse("/exit now"));
        assertTrue(SlashCommand.isCommand("  /x"));
        assertFalse(SlashCommand.isCommand("a /x"));
    }

    @Test
    void helpListsEveryCommand() {
        String help = SlashCommand.help();
        for (SlashCommand c : SlashCommand.values()) {
            assertTrue(help.contains("/" + c.name().toLowerCase(java.util.Locale.ROOT)), help);
        }
    }
}
