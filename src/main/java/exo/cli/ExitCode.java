package exo.cli;

import exo.InvalidInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The exit codes every exo command uses, and which failure maps to which. */
public final class ExitCode {
    public static final int OK = 0;
    /** The command ran and the answer is "no" (the model does not fit, a download failed). */
    public static final int FAILURE = 1;
    /** Bad usage or bad input: an unknown option, model or file, a malformed value. */
    public static final int USAGE = 2;
    /** The world is not as needed: no peers, a node lost, a resource busy. */
    public static final int STATE = 3;
    /** A bug in exo. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }

    static int of(Throwable t) {
        return switch (t) {
            case InvalidInputException e -> USAGE;
            case NoSuchFileException e -> USAGE;
            case AccessDeniedException e -> USAGE;
            case UserException e -> e.exitCode();
            // The cluster is not as needed: a node lost, refused or busy.
            case exo.node.ring.RingException e -> STATE;
            case exo.peer.PeerException e -> STATE;
            // llama.cpp refused or failed on a file exo's own reader accepted: a failure, not a bug.
            case exo.engine.llamacpp.LlamaCppException e -> FAILURE;
            case IOException e -> FAILURE;
            case java.io.UncheckedIOException e -> FAILURE;
            // Anything else, IllegalArgumentException and IllegalStateException above all, is a bug in exo.
            default -> INTERNAL;
        };
    }

    /** One line for the user: what went wrong, never a stack trace. */
    static String message(Throwable t) {
        String m = t.getMessage();
        return switch (t) {
            case NoSuchFileException e -> e.getFile() + ": " + (e.getReason() == null ? "no such file" : e.getReason());
            case AccessDeniedException e -> e.getFile() + ": permission denied";
            default -> {
                if (of(t) == INTERNAL) {
                    yield "internal error: " + t + " (set EXO_DEBUG=1 for the stack trace)";
                }
                yield m == null || m.isBlank() ? t.getClass().getSimpleName() : m.replace('\n', ' ');
            }
        };
    }
}
