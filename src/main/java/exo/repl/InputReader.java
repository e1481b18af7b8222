package exo.repl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * Reads one message at a time, joining multi-line input the two ways people know: a line that
 * ends with {@code \} continues on the next (llama.cpp), and a first line starting with
 * {@code """} opens a block that a line ending with {@code """} closes (ollama). The end of input
 * inside unfinished multi-line input sends what was typed, as a here-document's end would, and a
 * last piped line without a newline counts as a line.
 */
final class InputReader {
    static final String BLOCK = "\"\"\"";

    private final LineReader reader;
    private final String prompt;
    private final String continuation;

    /** Empty prompts for piped input, where a script reads only the answers. */
    InputReader(LineReader reader, String prompt, String continuation) {
        this.reader = reader;
        this.prompt = prompt;
        this.continuation = continuation;
    }

    /**
     * The line reader the REPL reads with.
     *
     * @param historyFile  where {@code history} persists, or null to keep it in memory only
     * @param continuation the prompt of a message's later lines
     */
    static LineReader lineReader(Terminal terminal, History history, Path historyFile, String continuation) {
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("exo").history(history)
                // Event expansion would read "Hi!" as a history reference and eat the backslash
                // that continues a line; a chat message is text, not a shell command.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                // A multi-line message recalled from the history shows our continuation prompt.
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, continuation);
        if (historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        return builder.build();
    }

    Input read() {
        List<String> lines = new ArrayList<>();
        boolean block = false;
        while (true) {
            String line;
            boolean last = false;
            try {
                line = reader.readLine(lines.isEmpty() && !block ? prompt : continuation);
            } catch (UserInterruptException e) {
                String partial = e.getPartialLine();
                return new Input.Interrupted(block || !lines.isEmpty() || (partial != null && !partial.isEmpty()));
            } catch (EndOfFileException e) {
                String partial = e.getPartialLine();
                if (partial == null || partial.isEmpty()) {
                    return lines.isEmpty() ? new Input.End() : text(lines);
                }
                line = partial;
                last = true;
            }
            if (!block && lines.isEmpty() && line.startsWith(BLOCK)) {
                block = true;
                line = line.substring(BLOCK.length());
            }
            if (block) {
                String trimmed = line.stripTrailing();
                if (trimmed.endsWith(BLOCK)) {
                    lines.add(trimmed.substring(0, trimmed.length() - BLOCK.length()));
                    return text(lines);
                }
                lines.add(line);
            } else if (line.endsWith("\\")) {
                lines.add(line.substring(0, line.length() - 1));
            } else {
                lines.add(line);
                return text(lines);
            }
            if (last) {
                return text(lines);
            }
        }
    }

    /** The lines joined; blank lines at either end go (a block's delimiter lines leave them). */
    private static Input text(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return new Input.Text(String.join("\n", lines.subList(from, to)));
    }
}
