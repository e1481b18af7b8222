/**
 * What every engine knows of a model before it computes: its hyper-parameters read from GGUF
 * metadata ({@link exo.engine.model.ModelConfig}) and the tensors a slice of it uses, looked
 * up and checked by name ({@link exo.engine.model.ModelTensors}). Shared by the Java and ggml
 * engines, the node and the commands, so that they accept and refuse the same files.
 */
package exo.engine.model;
