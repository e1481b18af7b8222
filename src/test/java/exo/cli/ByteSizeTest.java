package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void unitsAreBinary() {
        assertEquals(192L << 30, ByteSize.parse("192GB"));
        assertEquals(64L << 30, ByteSize.parse("64 GiB"));
        assertEquals(3L << 39, ByteSize.parse("1.5T"));
        assertEquals(512L << 20, ByteSize.parse("512mb"));
        assertEquals(1073741824L, ByteSize.parse("1073741824B"));
    }

    /** "--device studio=192" must not plan a machine of 192 bytes. */
    @Test
    void aNumberWithoutAUnitIsRefused() {
        assertEquals("'192' has no unit: write 192GB, 192MB or 192B",
                assertThrows(exo.InvalidInputException.class, () -> ByteSize.parse("192")).getMessage());
        assertEquals("exo: Invalid value for option '--device' (NAME=MEMORY|self): '192' has no unit: write 192GB, 192MB or 192B",
                CliRun.of("plan", "llama-3-70b", "--device", "studio=192").err().strip()
                        .lines().filter(l -> l.startsWith("exo:")).findFirst().orElse(""));
        assertEquals(ExitCode.USAGE, CliRun.of("plan", "llama-3-70b", "--device", "studio=192").exitCode());
    }
}
