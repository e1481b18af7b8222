/**
 * Random-weight GGUF files with a real model's exact shapes and the tensor types llama.cpp's
 * quantizer gives each quantization: for benchmarks of models nobody downloaded
 * ({@code exo bench --synthetic}), for tests of every architecture and quant type, and for the
 * server's demo models. Written with exo's own {@link exo.gguf.GgufWriter}.
 */
package exo.synthetic;
