package exo.cli;

/** A failure the user can act on, with the exit code it should give. */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
