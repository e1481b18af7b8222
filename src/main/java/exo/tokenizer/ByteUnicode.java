package exo.tokenizer;

/**
 * GPT-2's reversible byte to character mapping (bytes_to_unicode in OpenAI's encoder.py, and
 * unicode_byte_to_utf8_map in llama.cpp): printable Latin-1 bytes stand for themselves, the
 * other 68 bytes for U+0100 onwards in byte order, so every byte string is a printable string
 * without spaces.
 */
final class ByteUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicode() {
    }

    static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a code point stands for, or -1 when it is not one of the 256 mapped characters. */
    static int toByte(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** The mapped form of the UTF-8 bytes of {@code cps[from, to)}. */
    static String encode(int[] cps, int from, int to) {
        java.io.ByteArrayOutputStream utf8 = new java.io.ByteArrayOutputStream((to - from) * 2);
        for (int i = from; i < to; i++) {
            Utf8.append(utf8, cps[i]);
        }
        byte[] bytes = utf8.toByteArray();
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = toChar(bytes[i]);
        }
        return new String(out);
    }
}
