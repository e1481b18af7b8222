package exo.cli;

import exo.peer.WireDtype;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** f32, bf16 or f16, case-insensitive. */
final class WireDtypeConverter implements ITypeConverter<WireDtype> {
    @Override
    public WireDtype convert(String value) {
        for (WireDtype d : WireDtype.values()) {
            if (d.name().equalsIgnoreCase(value)) {
                return d;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a wire dtype (f32, bf16 or f16)");
    }
}
