#!/usr/bin/env bash
# Builds llama.cpp's shared library with a GPU backend at the build the de.kherud:llama 4.2.0
# bindings pin (b4916), for EXO_LLAMA_LIB: exo binds ggml's C functions of that build.
# Needs git, cmake, a C++ compiler and the backend's SDK (the CUDA toolkit, the Vulkan SDK with
# glslc, or Xcode for Metal), and network access to fetch llama.cpp unless SOURCES is a
# checkout already. Not run on the machine exo is developed on (no GPU, no network): see README.md.
# Usage: native-build/llama-gpu.sh cuda|vulkan|metal [SOURCES]   (default SOURCES: target/llama.cpp)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD=b4916
fail() { echo "llama-gpu: $1" >&2; exit "${2:-1}"; }

case "${1:-}" in
  cuda) flag=-DGGML_CUDA=ON ;;
  vulkan) flag=-DGGML_VULKAN=ON ;;
  metal) flag=-DGGML_METAL=ON ;;
  *) fail "give the backend: cuda, vulkan or metal (usage: native-build/llama-gpu.sh cuda|vulkan|metal [SOURCES])" 2 ;;
esac
src="${2:-$ROOT/target/llama.cpp}"
for tool in git cmake; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; it is needed to build llama.cpp" 3
done

if [ ! -d "$src/.git" ]; then
  mkdir -p "$(dirname "$src")"
  git clone --quiet https://github.com/ggml-org/llama.cpp "$src" \
    || fail "cannot fetch llama.cpp (no network?); clone it elsewhere, copy it here and pass its folder as SOURCES" 3
fi
git -C "$src" checkout --quiet "$BUILD" \
  || fail "$src has no build $BUILD (git -C $src fetch --tags, or a fresh clone)" 3
cmake -S "$src" -B "$src/build-$1" -DBUILD_SHARED_LIBS=ON -DCMAKE_BUILD_TYPE=Release "$flag"
cmake --build "$src/build-$1" --config Release -j --target llama
lib=$(find "$src/build-$1" -name 'libllama.so' -o -name 'libllama.dylib' -o -name 'llama.dll' | head -1)
[ -n "$lib" ] || fail "the build made no llama library under $src/build-$1" 1
echo "built $lib"
echo "use it with:  export EXO_LLAMA_LIB=$lib   (libllama links libggml and its backends beside it)"
