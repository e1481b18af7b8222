package exo.cli;

import picocli.CommandLine.Option;

/**
 * -h/--help for a subcommand. The version is exo's, asked of `exo --version`; a -V on every
 * subcommand only cluttered their help.
 */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
