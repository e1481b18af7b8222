package exo.engine.llamacpp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The receiver of llama.cpp's log ({@code llama_log_set}, which also sets ggml's). Nothing goes
 * to stderr; the last error-level message on the calling thread is kept so that a failed load
 * can say why ("llama_model_load: error loading model: ...").
 *
 * <p>Not everything passes here: in b4916 a GGUF header that fails to parse (absurd tensor count)
 * was seen to print its "gguf_init_from_file_impl: ..." lines to stderr directly, and only the
 * loader's summary ("failed to load model from ...") reaches this receiver.
 *
 * <p>State: llama.cpp keeps one logger per process, so this receiver is process-wide too, and its
 * memory of errors is per thread ({@link ThreadLocal}) because llama.cpp logs a failed call on the
 * thread that made it.
 */
final class NativeLog {

    /** {@code enum ggml_log_level} (ggml.h): NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5. */
    private static final int GGML_LOG_LEVEL_ERROR = 4;
    private static final int GGML_LOG_LEVEL_CONT = 5;
    /** A guard against a runaway message; llama.cpp's lines are short. */
    private static final int MAX_CHARS = 2000;

    private static final ThreadLocal<StringBuilder> LAST_ERROR = ThreadLocal.withInitial(StringBuilder::new);
    private static final ThreadLocal<Boolean> IN_ERROR = ThreadLocal.withInitial(() -> false);

    private NativeLog() {
    }

    /**
     * Installs the receiver. The upcall stub lives in the global arena: llama.cpp may call it
     * until the process ends, so it must never be freed.
     */
    static void install(LlamaApi api) {
        try {
            var target = MethodHandles.lookup().findStatic(NativeLog.class, "receive",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            // typedef void (*ggml_log_callback)(enum ggml_log_level level, const char * text, void * user_data);
            MemorySegment stub = Linker.nativeLinker().upcallStub(target,
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            api.llama_log_set(stub, MemorySegment.NULL);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets this thread's last error; call before a native call whose failure you will report. */
    static void clearError() {
        LAST_ERROR.get().setLength(0);
    }

    /** This thread's error messages since {@link #clearError()}, on one line, or "" if none. */
    static String lastError() {
        return LAST_ERROR.get().toString().strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** The upcall. It must not throw: an exception escaping an upcall ends the JVM. */
    private static void receive(int level, MemorySegment text, MemorySegment userData) {
        try {
            boolean error = level == GGML_LOG_LEVEL_ERROR || (level == GGML_LOG_LEVEL_CONT && IN_ERROR.get());
            IN_ERROR.set(error);
            if (!error || MemorySegment.NULL.equals(text)) {
                return;
            }
            StringBuilder last = LAST_ERROR.get();
            if (level == GGML_LOG_LEVEL_ERROR && !last.isEmpty() && last.charAt(last.length() - 1) != '\n') {
                last.append('\n');
            }
            String s = text.reinterpret(Long.MAX_VALUE).getString(0);
            last.append(s, 0, Math.min(s.length(), MAX_CHARS));
            if (last.length() > 4 * MAX_CHARS) {
                last.delete(0, last.length() - MAX_CHARS);
            }
        } catch (Throwable ignored) {
            // Losing a log line is better than losing the process.
        }
    }
}
