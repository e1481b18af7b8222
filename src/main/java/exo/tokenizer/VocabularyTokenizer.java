package exo.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What SentencePiece and byte-level BPE share: splitting special tokens out first, adding
 * BOS/EOS, token pieces (cached, as llama.cpp's cache_token_to_piece) and detokenizing.
 */
abstract sealed class VocabularyTokenizer implements Tokenizer permits SentencePieceTokenizer, BytePairTokenizer {
    final Vocabulary vocab;
    private final SpecialTokenSplitter specialSplitter;
    private final byte[][] pieces; // token_to_piece(id, special = true)

    /**
     * How a vocabulary type turns one token that is not unknown, control or user-defined into
     * bytes (those three are their text in every type); never null.
     */
    interface PieceRule {
        byte[] piece(Vocabulary vocab, int id);
    }

    VocabularyTokenizer(Vocabulary vocab, PieceRule rule) {
        this.vocab = vocab;
        this.specialSplitter = new SpecialTokenSplitter(vocab);
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = vocab.has(id, TokenAttributes.UNKNOWN | TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED)
                    ? vocab.text(id).getBytes(StandardCharsets.UTF_8) // llama_token_to_piece with special = true
                    : rule.piece(vocab, id);
        }
    }

    /** Tokenizes the fragments of the input, special tokens already split out, BOS and EOS left to the caller. */
    abstract void encodeFragments(List<Fragment> fragments, IntList out);

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<Fragment> fragments = specialSplitter.split(Utf8.sanitize(text), parseSpecial);
        IntList out = new IntList();
        if (addSpecial && vocab.addBos) {
            if (vocab.bos == Vocabulary.NO_TOKEN) {
                throw new IllegalStateException("the vocabulary asks for BOS but has no BOS token");
            }
            out.add(vocab.bos);
        }
        encodeFragments(fragments, out);
        if (addSpecial && vocab.addEos) {
            if (vocab.eos == Vocabulary.NO_TOKEN) {
                throw new IllegalStateException("the vocabulary asks for EOS but has no EOS token");
            }
            out.add(vocab.eos);
        }
        return out.toArray();
    }

    @Override
    public final byte[] tokenBytes(int id) {
        return pieces[vocab.check(id)].clone();
    }

    @Override
    public final byte[] tokenBytes(int id, boolean renderSpecial) {
        if (!renderSpecial && vocab.has(id, TokenAttributes.UNKNOWN | TokenAttributes.CONTROL)) {
            return new byte[0];
        }
        return tokenBytes(id);
    }

    @Override
    public final String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(ids.length * 4);
        boolean removeSpace = vocab.addSpacePrefix; // the dummy prefix SentencePiece added
        for (int id : ids) {
            vocab.check(id);
            byte[] piece = !renderSpecial && vocab.has(id, TokenAttributes.UNKNOWN | TokenAttributes.CONTROL)
                    ? new byte[0] : pieces[id];
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            removeSpace = false;
            text.write(piece, skip, piece.length - skip);
        }
        byte[] bytes = text.toByteArray();
        if (vocab.cleanSpaces) {
            bytes = SpaceCleaner.clean(bytes);
        }
        return Utf8.decode(bytes, 0, bytes.length);
    }

    @Override
    public final String piece(int id) {
        return vocab.text(id);
    }

    @Override
    public final int bos() {
        return vocab.bos;
    }

    @Override
    public final int eos() {
        return vocab.eos;
    }

    @Override
    public final boolean addsBos() {
        return vocab.addBos;
    }

    @Override
    public final boolean addsEos() {
        return vocab.addEos;
    }

    @Override
    public final boolean isEndOfGeneration(int id) {
        return vocab.isEndOfGeneration(id);
    }

    @Override
    public final boolean isControl(int id) {
        return vocab.has(id, TokenAttributes.CONTROL);
    }

    @Override
    public final int tokenId(String text) {
        return vocab.id(text);
    }

    @Override
    public final int vocabSize() {
        return vocab.size();
    }
}
