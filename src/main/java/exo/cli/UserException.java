package exo.cli;

/** A failure the user can act on, with the exit code it should give. */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** Bad usage or bad input (exit 2), said in terms of the command's flags and arguments. */
    public static UserException usage(String message) {
        return new UserException(ExitCode.USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
