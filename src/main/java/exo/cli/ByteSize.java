package exo.cli;

import exo.InvalidInputException;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as people write them: "192GB", "64 GiB", "1.5T", "512MB", "1073741824B".
 * KB/MB/GB/TB are read as binary units (GB = 2^30), because that is how RAM is sold and how
 * operating systems report it; KiB/MiB/GiB/TiB mean the same. A number without a unit is
 * refused: "192" meant as 192 GB would otherwise plan a machine of 192 bytes.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "KMGT";

    private ByteSize() {
    }

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidInputException("'" + text + "' is not a memory size (examples: 64GB, 512MB, 1.5TB)");
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        if (unit.isEmpty() && m.group(3) == null) {
            throw new InvalidInputException("'" + text + "' has no unit: write " + m.group(1) + "GB, "
                    + m.group(1) + "MB or " + m.group(1) + "B");
        }
        int power = unit.isEmpty() ? 0 : UNITS.indexOf(unit) + 1;
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << (10 * power)));
        try {
            return bytes.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidInputException("'" + text + "' is too large");
        }
    }

    /** "1.5 GiB", "512.0 MiB", "900 B". */
    public static String format(long bytes) {
        long abs = Math.abs(bytes);
        if (abs < 1024) {
            return bytes + " B";
        }
        int power = Math.min(4, (63 - Long.numberOfLeadingZeros(abs)) / 10);
        return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (10 * power)), UNITS.charAt(power - 1));
    }
}
