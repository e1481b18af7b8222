package exo.engine.model;

import exo.gguf.GgufFile;
import exo.gguf.GgufFormatException;
import exo.gguf.GgufTensorInfo;
import java.util.Arrays;

/**
 * The GGUF tensors a shard computes with, looked up by name and checked against the model's
 * shape, naming the tensor on any mismatch. Shared by every engine that reads a shard from a
 * GGUF file, so they accept and refuse the same files.
 */
public final class ModelTensors {
    private ModelTensors() {
    }

    /** Tensor {@code name}, which the file must have. */
    public static GgufTensorInfo require(GgufFile file, String name) {
        GgufTensorInfo t = file.tensorInfo(name);
        if (t == null) {
            throw new GgufFormatException(file.path().getFileName() + " lacks tensor " + name);
        }
        return t;
    }

    /** A {@code rows x cols} matrix (GGUF dims {cols, rows}). */
    public static GgufTensorInfo matrix(GgufFile file, String name, int rows, int cols) {
        GgufTensorInfo t = require(file, name);
        if (t.dim(0) != cols || t.dim(1) != rows || t.rank() > 2 && t.dim(2) * t.dim(3) != 1) {
            throw new GgufFormatException("tensor " + name + " is " + Arrays.toString(t.dims())
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return t;
    }

    /** A stack of {@code count} matrices of {@code rows x cols} (GGUF dims {cols, rows, count}): a layer's experts. */
    public static GgufTensorInfo stack(GgufFile file, String name, int rows, int cols, int count) {
        GgufTensorInfo t = require(file, name);
        if (t.rank() != 3 || t.dim(0) != cols || t.dim(1) != rows || t.dim(2) != count) {
            throw new GgufFormatException("tensor " + name + " is " + Arrays.toString(t.dims())
                    + ", expected [" + cols + ", " + rows + ", " + count + "]");
        }
        return t;
    }

    /** A vector of {@code n} elements (a norm's weights, a bias). */
    public static GgufTensorInfo vector(GgufFile file, String name, int n) {
        GgufTensorInfo t = require(file, name);
        if (t.elements() != n) {
            throw new GgufFormatException("tensor " + name + " has " + t.elements() + " elements, expected " + n);
        }
        return t;
    }

    /** The output head's tensor: token_embd.weight doubles as it in models with tied embeddings (Llama 3.2, Qwen2.5 small). */
    public static String outputName(GgufFile file) {
        return file.tensorInfo("output.weight") != null ? "output.weight" : "token_embd.weight";
    }
}
