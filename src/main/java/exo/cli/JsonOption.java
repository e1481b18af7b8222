package exo.cli;

import picocli.CommandLine.Option;

/** --json: print the result as one JSON object for scripts instead of a table. */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;
}
