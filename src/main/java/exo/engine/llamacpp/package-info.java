/**
 * llama.cpp called through its C API with the Foreign Function &amp; Memory API: exact token ids and
 * exact logits from the same native library the de.kherud:llama bindings ship.
 *
 * <h2>Version pin</h2>
 * The library is {@code de/kherud/llama/Linux/x86_64/libjllama.so} from de.kherud:llama 4.2.0,
 * llama.cpp build b4916 (commit c6af2161, March 2025); its exported {@code LLAMA_BUILD_NUMBER} is
 * read at load time and any other build is refused ({@link exo.engine.llamacpp.LlamaLibrary}),
 * because llama.h's structs change between builds and are passed by value. A plain
 * {@code libllama} built from llama.cpp's sources ({@code EXO_LLAMA_LIB}) lacks that symbol; its
 * build is read from the build-info file native-build/llama-gpu.sh writes beside it
 * ({@code LibraryBuild}), and for every library the structs' sizes are read back from the
 * default-params functions ({@code LayoutCheck}).
 *
 * <h2>How the struct layouts were verified</h2>
 * <ol>
 * <li>Declarations: llama.h of that period (llama_model_params without
 * {@code tensor_buft_overrides}; llama_context_params still with {@code logits_all} and the
 * booleans before {@code abort_callback}; llama_batch without the old {@code all_pos_*} fields).
 * Every function bound in {@link exo.engine.llamacpp.LlamaApi} was checked to be exported
 * ({@code nm -D --defined-only}); {@code llama_kv_self_clear} and the deprecated
 * {@code llama_kv_cache_clear} both exist in b4916, the former is used.</li>
 * <li>Disassembly of the shipped library: {@code llama_model_default_params} stores 64 bytes
 * (split_mode 1 at 12, use_mmap true at 57); {@code llama_context_default_params} stores 120 bytes
 * (n_ctx 512, n_batch 2048, n_ubatch 512, n_seq_max 1 at 0..15; n_threads 4, n_threads_batch 4 at
 * 16, 20; defrag_thold -1 at 64; cb_eval at 72; type_k, type_v F16 at 88, 92; the booleans at 96
 * to 100, no_perf true at 100; abort_callback at 104); {@code llama_batch_get_one} writes 56
 * bytes, token at 8 and logits at 48.</li>
 * <li>A C reconstruction of the three structs compiled with gcc gives the same sizes and offsets
 * and, calling the library through {@code dlopen}, reads those defaults back.</li>
 * <li>{@code LlamaLayoutsTest} reads the defaults back through the Java layouts on every test run.</li>
 * </ol>
 *
 * <h2>Process-wide state</h2>
 * Imposed by the native library and kept to two classes: the loaded library with its
 * {@code llama_backend_init} ({@link exo.engine.llamacpp.LlamaLibrary#bundled()}), and the one
 * logger llama.cpp allows ({@code NativeLog}: silences llama.cpp's stderr, keeps error lines per
 * thread for exception messages). Everything else belongs to a
 * {@link exo.engine.llamacpp.LlamaCppNative} and is freed by its {@code close()}.
 *
 * <p>Needs {@code --enable-native-access=ALL-UNNAMED} (or the module's name).
 */
package exo.engine.llamacpp;
