package exo.engine.llamacpp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the token ids of one finished completion out of llama.cpp's debug log.
 *
 * <p>Why a log: de.kherud:llama 4.2.0 hands Java only the generated <em>text</em>
 * ({@code LlamaOutput.text}); its token-probability map is keyed by text and, worse, asking for
 * it aborts the JVM (see {@link GreedyRequest}). Text does not identify tokens: in stories260K
 * every printable ASCII character is both a normal token and a byte-fallback token (',' is 47
 * and 432). The one place the 4.2.0 build writes the sampled ids is its server's debug log, a
 * line per token from {@code server_context::process_token}:
 * <pre>
 * slot process_toke: id  0 | task 3 | n_decoded = 1, n_remaining = 4, next token:   432 ','
 * </pre>
 * The log goes through llama.cpp's {@code common_log}, which the Java log callback never sees,
 * so the model is loaded with {@code --log-file} and {@code --log-verbosity 1} and this class
 * tails that file. A completion is complete once its slot logs {@code stop processing} (an info
 * line written after the last token's line).
 *
 * <p>Not thread-safe; {@link LlamaCppModel} serializes requests, so after one task's end the
 * next {@code processing task} line in the file is the next request's.
 */
final class TokenLog {

    private static final Pattern LAUNCH = Pattern.compile("\\| task (\\d+) \\| processing task");
    private static final Pattern PROMPT_SIZE = Pattern.compile("\\| task (\\d+) \\| new prompt, .*n_prompt_tokens = (\\d+)");
    private static final Pattern PROMPT_TOKEN = Pattern.compile("\\| task (\\d+) \\| prompt token\\s+(\\d+):\\s+(-?\\d+) ");
    private static final Pattern NEXT_TOKEN = Pattern.compile("\\| task (\\d+) \\| .*next token:\\s+(-?\\d+) ");
    private static final Pattern STOP = Pattern.compile("\\| task (\\d+) \\| stop processing");
    private static final Duration POLL = Duration.ofMillis(1);

    /**
     * What the log says about one task: its prompt's length and first tokens as llama.cpp holds
     * them (it logs only the first 16, "to avoid flooding logs"), and the ids it generated.
     */
    record Task(int id, int promptLength, int[] promptHead, int[] generated) {

        /** Whether this task's prompt agrees with {@code ids} as far as the log shows it. */
        boolean promptMatches(int[] ids) {
            return promptLength == ids.length && promptHead.length == Math.min(ids.length, 16)
                    && java.util.Arrays.equals(promptHead, java.util.Arrays.copyOf(ids, promptHead.length));
        }
    }

    private final Path file;
    private long offset;
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private int lastTask = -1;

    TokenLog(Path file) {
        this.file = file;
    }

    /** Reads until the next task has ended, or throws after {@code timeout}. */
    Task awaitNextTask(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int task = -1;
        int promptLength = -1;
        List<Integer> prompt = new ArrayList<>();
        List<Integer> generated = new ArrayList<>();
        while (true) {
            for (String line : readCompleteLines()) {
                Matcher m;
                if (task < 0) {
                    if ((m = LAUNCH.matcher(line)).find() && Integer.parseInt(m.group(1)) > lastTask) {
                        task = Integer.parseInt(m.group(1));
                    }
                } else if ((m = NEXT_TOKEN.matcher(line)).find() && Integer.parseInt(m.group(1)) == task) {
                    generated.add(Integer.parseInt(m.group(2)));
                } else if ((m = PROMPT_SIZE.matcher(line)).find() && Integer.parseInt(m.group(1)) == task) {
                    promptLength = Integer.parseInt(m.group(2));
                } else if ((m = PROMPT_TOKEN.matcher(line)).find() && Integer.parseInt(m.group(1)) == task) {
                    // llama.cpp logs the whole prompt once per task, position by position.
                    if (Integer.parseInt(m.group(2)) == prompt.size()) {
                        prompt.add(Integer.parseInt(m.group(3)));
                    }
                } else if ((m = STOP.matcher(line)).find() && Integer.parseInt(m.group(1)) == task) {
                    lastTask = task;
                    return new Task(task, promptLength, toArray(prompt), toArray(generated));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new LlamaCppException("llama.cpp's log " + file + " did not record the end of "
                        + (task < 0 ? "a new task" : "task " + task) + " within " + timeout.toMillis()
                        + " ms (another llama.cpp model loaded later in this JVM takes over the process-wide log)");
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlamaCppException("interrupted while reading llama.cpp's log", e);
            }
        }
    }

    /** New complete lines since the last call; a line still being written waits for the next call. */
    private List<String> readCompleteLines() {
        List<String> lines = new ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= offset) {
                return lines;
            }
            byte[] chunk = new byte[(int) Math.min(length - offset, 1 << 20)];
            raf.seek(offset);
            raf.readFully(chunk);
            offset += chunk.length;
            for (byte b : chunk) {
                if (b == '\n') {
                    lines.add(partialLine.toString(StandardCharsets.UTF_8));
                    partialLine.reset();
                } else {
                    partialLine.write(b);
                }
            }
        } catch (IOException e) {
            throw new LlamaCppException("cannot read llama.cpp's log " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
