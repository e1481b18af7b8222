package exo.cli;

import exo.gguf.GgufFile;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo tokenize`: the token ids of a text, with llama.cpp's special-token flags. */
@Command(name = "tokenize", description = "Print the token ids of TEXT under MODEL's tokenizer.",
        footer = {"", "Examples:", "  exo tokenize --model-file stories260K.gguf 'Once upon a time'",
                "  exo tokenize llama-3.2-1b --pieces --parse-special '<|begin_of_text|>Hi'"})
public final class TokenizeCommand extends Subcommand {
    @Mixin
    ModelSource source;
    @Mixin
    JsonOption json;

    @Parameters(arity = "1..2", paramLabel = "[MODEL] TEXT", description = "A model id (unless --model-file) and the text.")
    List<String> args;

    @Option(names = "--pieces", description = "Print one token per line: id and piece.")
    boolean pieces;

    @Option(names = "--no-bos", description = "Do not add the BOS token the vocabulary would add.")
    boolean noBos;

    @Option(names = "--parse-special", description = "Read special-token texts such as <|eot_id|> as those tokens.")
    boolean parseSpecial;

    @Override
    public Integer call() throws Exception {
        int expected = source.hasFile() ? 1 : 2;
        if (args.size() != expected) {
            throw UserException.usage(source.hasFile() ? "with --model-file give only the TEXT"
                    : "give a MODEL and the TEXT (or --model-file PATH and the TEXT)");
        }
        Path path = source.resolve(source.hasFile() ? null : args.getFirst());
        Tokenizer tokenizer = Tokenizers.fromMetadata(GgufFile.readHeader(path).metadata());
        int[] ids = tokenizer.encode(args.getLast(), !noBos, parseSpecial);
        PrintWriter out = out();
        if (json.json) {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            var root = mapper.createObjectNode();
            var idArray = root.putArray("ids");
            var pieceArray = root.putArray("pieces");
            for (int id : ids) {
                idArray.add(id);
                pieceArray.add(tokenizer.piece(id));
            }
            out.println(mapper.writeValueAsString(root));
        } else if (pieces) {
            for (int id : ids) {
                out.println(id + " " + tokenizer.piece(id));
            }
        } else {
            out.println(IntStream.of(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        }
        out.flush();
        return ExitCode.OK;
    }
}
