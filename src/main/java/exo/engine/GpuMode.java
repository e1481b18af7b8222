package exo.engine;

import exo.InvalidInputException;

import java.util.Locale;

/** Whether the ggml engine may compute on a GPU the llama.cpp library has a backend for. */
public enum GpuMode {
    /** The first GPU device the library offers (Metal on a Mac, CUDA or Vulkan in such builds), else the CPU. */
    AUTO,
    /** The CPU, even where a GPU is there. */
    OFF;

    /** "auto" or "off", in any case. */
    public static GpuMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "off" -> OFF;
            default -> throw new InvalidInputException("gpu", "the GPU mode is auto or off, not '" + text + "'");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
