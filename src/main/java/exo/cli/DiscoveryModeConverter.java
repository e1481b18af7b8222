package exo.cli;

import exo.InvalidInputException;

import exo.discovery.DiscoveryMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** mdns, static or both. */
final class DiscoveryModeConverter implements ITypeConverter<DiscoveryMode> {
    @Override
    public DiscoveryMode convert(String value) {
        try {
            return DiscoveryMode.parse(value);
        } catch (InvalidInputException e) {
            throw new TypeConversionException("'" + value + "' is not a discovery mode (mdns, static or both)");
        }
    }
}
