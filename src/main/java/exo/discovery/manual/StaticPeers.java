package exo.discovery.manual;

import exo.InvalidInputException;

import exo.discovery.PeerAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads static peers: the {@code --peers HOST:PORT,...} option and peers files (one
 * {@code HOST:PORT} a line, {@code #} starts a comment). IPv6 literals are written in brackets,
 * {@code [fe80::1]:52415}. Errors name the bad entry and, for files, its line.
 */
public final class StaticPeers {
    private StaticPeers() {
    }

    /** Parses a comma-separated list; empty items (a trailing comma) are skipped. */
    public static List<PeerAddress> parseList(String list) {
        List<PeerAddress> peers = new ArrayList<>();
        for (String item : list.split(",")) {
            String entry = item.strip();
            if (!entry.isEmpty()) {
                peers.add(parse(entry));
            }
        }
        return List.copyOf(peers);
    }

    /** Parses each entry (the values of a repeated or comma-split option). */
    public static List<PeerAddress> parseAll(List<String> entries) {
        return entries.stream().map(e -> parse(e.strip())).toList();
    }

    /** Reads a peers file. */
    public static List<PeerAddress> readFile(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException("peers_file", file + ": not UTF-8 text; a peers file holds HOST:PORT lines");
        }
        List<PeerAddress> peers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String entry = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                peers.add(parse(entry));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("peers_file", file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return List.copyOf(peers);
    }

    /** Parses one {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    public static PeerAddress parse(String entry) {
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || close + 1 >= entry.length() || entry.charAt(close + 1) != ':') {
                throw bad(entry, "expected [IPV6]:PORT");
            }
            host = entry.substring(1, close);
            port = entry.substring(close + 2);
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw bad(entry, "expected HOST:PORT");
            }
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
            if (host.contains(":")) {
                throw bad(entry, "an IPv6 address needs brackets, [ADDRESS]:PORT");
            }
        }
        if (host.isEmpty()) {
            throw bad(entry, "the host is empty");
        }
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw bad(entry, "the host contains a space");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(entry, "port '" + port + "' is not a number");
        }
        if (number < 1 || number > 65535) {
            throw bad(entry, "port " + number + " is not in 1-65535");
        }
        return new PeerAddress(host, number);
    }

    private static InvalidInputException bad(String entry, String why) {
        return new InvalidInputException("peers", "bad peer '" + entry + "': " + why);
    }
}
