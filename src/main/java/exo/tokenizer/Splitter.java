package exo.tokenizer;

/**
 * One step of a pre-tokenizer: cuts each piece of the text further. Pieces are lengths in code
 * points that together cover the whole text, in order, as llama.cpp's {@code bpe_offsets}; text
 * a rule does not match stays as pieces of its own (nothing is ever dropped).
 */
interface Splitter {
    /**
     * @param cps    the code points of the whole text
     * @param pieces lengths of the current pieces, summing to {@code cps.length}
     * @return lengths of the new pieces, summing to {@code cps.length}
     */
    IntList split(int[] cps, IntList pieces);
}
