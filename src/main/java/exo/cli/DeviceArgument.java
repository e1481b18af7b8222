package exo.cli;

import exo.InvalidInputException;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A `--device` value: NAME=MEMORY for a hypothetical machine, or {@code self} (optionally
 * {@code self=MEMORY}) for this machine, measured unless a memory is given.
 */
record DeviceArgument(String name, Long memoryBytes) {
    static final String SELF = "self";

    boolean isSelf() {
        return name.equals(SELF);
    }

    static final class Converter implements ITypeConverter<DeviceArgument> {
        @Override
        public DeviceArgument convert(String value) {
            if (value.equals(SELF)) {
                return new DeviceArgument(SELF, null);
            }
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new TypeConversionException("'" + value + "' is not NAME=MEMORY (e.g. studio=192GB) or self");
            }
            String name = value.substring(0, eq).trim();
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new TypeConversionException("'" + name + "' is not a machine name (letters, digits, '.', '_', '-')");
            }
            try {
                return new DeviceArgument(name, ByteSize.parse(value.substring(eq + 1)));
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
