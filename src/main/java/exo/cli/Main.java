package exo.cli;

/** Entry point of the `exo` launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CommandFactory.create().execute(args));
    }
}
