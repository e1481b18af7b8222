package exo.engine.llamacpp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Points file descriptor 2 at a file while a test class talks to llama.cpp, then back.
 *
 * <p>Why: {@link LlamaCppModel} runs llama.cpp at debug verbosity (its sampled token ids exist only
 * in that log), and llama.cpp writes the same log to stderr: about 20 lines per token, thousands
 * per test run. The lines are kept in the file for when a test fails. Java's own System.err is
 * not fd 2 under Surefire, so test reports are unaffected.
 */
final class NativeStderr implements AutoCloseable {

    private static final int STDERR = 2;
    private final int saved;

    private NativeStderr(int saved) {
        this.saved = saved;
    }

    static NativeStderr redirectTo(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            // creat(2) rather than open(2): open is variadic.
            int fd = (int) CREAT.invokeExact(arena.allocateFrom(file.toAbsolutePath().toString()), 0644);
            if (fd < 0) {
                throw new IllegalStateException("creat failed for " + file);
            }
            int saved = (int) DUP.invokeExact(STDERR);
            int rc = (int) DUP2.invokeExact(fd, STDERR);
            int closed = (int) CLOSE.invokeExact(fd);
            if (saved < 0 || rc < 0 || closed < 0) {
                throw new IllegalStateException("dup/dup2/close failed redirecting stderr");
            }
            return new NativeStderr(saved);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        try {
            int rc = (int) DUP2.invokeExact(saved, STDERR);
            int closed = (int) CLOSE.invokeExact(saved);
            if (rc < 0 || closed < 0) {
                throw new IllegalStateException("could not restore stderr");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CREAT = libc("creat",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle DUP = libc("dup", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle DUP2 = libc("dup2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
