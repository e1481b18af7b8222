#!/usr/bin/env bash
# Builds llama.cpp's shared library (libllama and the libggml* it links) at build b4916, the build
# whose ggml and llama.h exo binds, with one backend, for EXO_LLAMA_LIB. Offline: the sources are
# a source archive (.tar.gz) or a llama.cpp git checkout; nothing is fetched.
#
# Usage: native-build/llama-gpu.sh cuda|vulkan|metal|cpu [SOURCES]
#   SOURCES  llama.cpp-b4916.tar.gz, a git checkout holding b4916 (its working tree is left
#            alone: the build reads `git archive b4916`), or a folder of b4916's sources;
#            default: ../shared/vendor/llama.cpp-b4916.tar.gz beside the repository.
# Environment:
#   EXO_LLAMA_BUILD_DIR  where it builds (default target/llama-b4916-BACKEND): src/ the
#                        sources with native-build/patches/BACKEND applied, build/ cmake's
#                        tree, lib/ the libraries and exo-llama-build.properties
#   EXO_CUDA_ARCH        CUDA architectures for cmake (default 90: sm_90, H100/H200; e.g. 89, "80;90")
#   EXO_BUILD_JOBS       parallel compile jobs (default: every core)
#   EXO_CMAKE_ARGS       more cmake arguments, split at spaces (e.g. where cuBLAS lies outside the
#                        CUDA toolkit: -DCUDA_cublas_LIBRARY=... ; gpu-check.sh finds those)
# A second run with the same sources, patches and flags reuses lib/ and compiles nothing.
# Exit codes: 2 bad usage, 3 a missing tool or unusable sources, 1 a failed build.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD=4916
COMMIT=c6af216
USAGE="usage: native-build/llama-gpu.sh cuda|vulkan|metal|cpu [SOURCES]"
fail() { echo "llama-gpu: $1" >&2; exit "${2:-1}"; }
say() { echo "llama-gpu: $1"; }
# sha256sum, or shasum on macOS.
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

backend="${1:-}"
case "$backend" in
  cuda) backend_flags=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=${EXO_CUDA_ARCH:-90}") ;;
  vulkan) backend_flags=(-DGGML_VULKAN=ON) ;;
  metal) backend_flags=(-DGGML_METAL=ON -DGGML_METAL_EMBED_LIBRARY=ON) ;;
  cpu) backend_flags=(-DGGML_METAL=OFF) ;;
  *) fail "give the backend: cuda, vulkan, metal or cpu ($USAGE)" 2 ;;
esac
[ $# -le 2 ] || fail "too many arguments ($USAGE)" 2
if [ "$backend" = cuda ]; then
  arch="${EXO_CUDA_ARCH:-90}"
  arch="${arch//sm_/}"
  [[ "$arch" =~ ^[0-9]+[a-z]?(-real|-virtual)?(\;[0-9]+[a-z]?(-real|-virtual)?)*$ ]] \
    || fail "EXO_CUDA_ARCH is '$EXO_CUDA_ARCH'; give CUDA architectures as cmake takes them, e.g. 90 or 80;90" 2
  backend_flags=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch")
fi
jobs="${EXO_BUILD_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || fail "EXO_BUILD_JOBS is '$jobs'; give a number of jobs" 2

src="${2:-$ROOT/../shared/vendor/llama.cpp-b4916.tar.gz}"
[ -e "$src" ] || fail "no llama.cpp sources at $src; give a source archive of build b4916 or a checkout \
(git clone https://github.com/ggml-org/llama.cpp && git -C llama.cpp checkout b4916)" 3
src="$(readlink -f "$src")"

need() { command -v "$1" >/dev/null || fail "$1 is not installed; $2" 3; }
need cmake "it is needed to build llama.cpp"
need patch "it applies native-build/patches"
need "${CXX:-c++}" "a C++ compiler is needed to build llama.cpp (or set CXX)"
case "$backend" in
  cuda) command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] \
          || fail "nvcc is not installed (the CUDA toolkit); it is needed for the cuda backend" 3 ;;
  vulkan) need glslc "the Vulkan SDK's shader compiler is needed for the vulkan backend" ;;
  metal) [ "$(uname -s)" = Darwin ] || fail "the metal backend builds on macOS only" 3 ;;
esac

DIR="${EXO_LLAMA_BUILD_DIR:-$ROOT/target/llama-b$BUILD-$backend}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

# What the sources are, for the build-info file and to tell a rebuild from a reuse.
if [ -f "$src" ]; then
  case "$src" in *.tar.gz|*.tgz|*.tar) ;; *) fail "$src is neither a .tar.gz source archive nor a folder" 3 ;; esac
  sources="archive $(basename "$src") sha256 $(sha256 "$src" | cut -d' ' -f1)"
elif [ -d "$src/.git" ] || git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  need git "SOURCES is a git checkout"
  rev=$(git -C "$src" rev-parse --verify -q "b$BUILD^{commit}" || git -C "$src" rev-parse --verify -q "$COMMIT^{commit}") \
    || fail "$src has no build b$BUILD (git -C $src fetch --tags, or a fresh clone)" 3
  sources="git $src commit $rev"
elif [ -d "$src" ]; then
  sources="folder $src sha256 $(cd "$src" && find . -type f ! -path './build*' | LC_ALL=C sort \
    | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256 | cut -d' ' -f1)"
else
  fail "$src is neither a source archive nor a folder" 3
fi

cpu_flags=()
case "$(uname -m)" in
  # The bundled library's CPU code: AVX2, FMA, F16C, BMI2, no AVX-512; -march=native would make a
  # library that gives other bits, and dies on an older CPU.
  x86_64|amd64) cpu_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
                           -DGGML_BMI2=ON -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF) ;;
esac
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
flags=(-DBUILD_SHARED_LIBS=ON -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_COMMON=OFF
       -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_CCACHE=OFF
       -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON -DGGML_BUILD_NUMBER=$BUILD -DGGML_BUILD_COMMIT=$COMMIT ${cpu_flags[@]+"${cpu_flags[@]}"} "${backend_flags[@]}")
read -r -a extra_flags <<<"${EXO_CMAKE_ARGS:-}"
flags+=(${extra_flags[@]+"${extra_flags[@]}"})
patches=()
if [ -d "$HERE/patches/$backend" ]; then
  while IFS= read -r p; do patches+=("$p"); done < <(find "$HERE/patches/$backend" -name '*.patch' | LC_ALL=C sort)
fi
patch_sums=""
for p in ${patches[@]+"${patches[@]}"}; do patch_sums+="$(basename "$p"):$(sha256 "$p" | cut -c1-16) "; done
key="$(printf '%s\n' "$sources" "${flags[*]}" "$patch_sums" | sha256 | cut -d' ' -f1)"

INFO="$DIR/lib/exo-llama-build.properties"
case "$(uname -s)" in Darwin) libname=libllama.dylib ;; *) libname=libllama.so ;; esac
if [ -f "$INFO" ] && [ -f "$DIR/lib/$libname" ] && grep -qx "key=$key" "$INFO" \
   && grep -qx "library_sha256=$(sha256 "$DIR/lib/$libname" | cut -d' ' -f1)" "$INFO"; then
  say "$DIR/lib is already built from these sources with these flags"
  echo "export EXO_LLAMA_LIB=$DIR/lib/$libname"
  exit 0
fi

# Out of tree: the sources are unpacked (or exported) under DIR and patched there; an earlier
# build's lib/ stays until these sources pass the check.
rm -rf "$DIR/src.new"
mkdir -p "$DIR/src.new"
say "sources: $sources"
case "$sources" in
  archive*) tar -xf "$src" -C "$DIR/src.new" --strip-components=1 || fail "cannot unpack $src" 3 ;;
  git*) git -C "$src" archive --format=tar "$rev" | tar -xf - -C "$DIR/src.new" || fail "cannot export b$BUILD from $src" 3 ;;
  folder*) (cd "$src" && tar -cf - --exclude='./build*' .) | tar -xf - -C "$DIR/src.new" ;;
esac
# The headers exo binds decide whether these are b4916's sources (an archive has no git tag).
check_header() {
  [ -f "$DIR/src.new/$1" ] && [ "$(sha256 "$DIR/src.new/$1" | cut -d' ' -f1)" = "$2" ] \
    || { rm -rf "$DIR/src.new"; fail "$src is not llama.cpp b$BUILD: its $1 differs from the one exo binds" 3; }
}
check_header include/llama.h 46aa09d5a229a37d50e17d3add453ad73dbb579ff03893bf361a24c964bb1bb7
check_header ggml/include/ggml.h 03e1c1dd4bf5da84b9244ce846da782ded2ace218e536ebeb549c1bb8bcd8fb8
check_header ggml/include/ggml-backend.h 760b374e1e1d80a854b4d5385006b36d82e544e43281b5a070d6c895dc301252
check_header ggml/include/ggml-cpu.h 3f43c5f58ff276bf1c3dc16609c5433aeb0c5333427a538cb8d1555c0ce5619e
rm -rf "$DIR/src" "$DIR/lib"
mv "$DIR/src.new" "$DIR/src"
for p in ${patches[@]+"${patches[@]}"}; do
  say "patch $(basename "$p")"
  patch -d "$DIR/src" -p1 --forward --quiet < "$p" || fail "$(basename "$p") does not apply to $src" 3
done

start=$(date +%s)
cmake -S "$DIR/src" -B "$DIR/build" ${generator[@]+"${generator[@]}"} "${flags[@]}" >"$DIR/cmake-configure.log" 2>&1 \
  || { tail -n 30 "$DIR/cmake-configure.log" >&2; fail "cmake could not configure the $backend build (log: $DIR/cmake-configure.log)" 1; }
say "building libllama with $backend (${jobs} jobs; log: $DIR/cmake-build.log)"
cmake --build "$DIR/build" --config Release --target llama -j "$jobs" >"$DIR/cmake-build.log" 2>&1 \
  || { grep -m 20 -iE 'error|fatal' "$DIR/cmake-build.log" >&2 || tail -n 30 "$DIR/cmake-build.log" >&2
       fail "the $backend build failed (log: $DIR/cmake-build.log)" 1; }
seconds=$(( $(date +%s) - start ))

# lib/ holds only the libraries (their RUNPATH is $ORIGIN, so they find each other there).
mkdir -p "$DIR/lib"
found=0
for f in "$DIR"/build/bin/libllama.* "$DIR"/build/bin/libggml*.* "$DIR"/build/bin/*.metal; do
  [ -e "$f" ] || continue
  case "$f" in *.so|*.so.*|*.dylib|*.metal) cp -P "$f" "$DIR/lib/"; found=1 ;; esac
done
[ "$found" = 1 ] && [ -f "$DIR/lib/$libname" ] || fail "the build made no $libname under $DIR/build/bin" 1
{
  echo "# llama.cpp built by native-build/llama-gpu.sh; exo reads it to accept $libname beside it"
  echo "build=$BUILD"
  echo "commit=$COMMIT"
  echo "backend=$backend"
  [ "$backend" = cuda ] && echo "cuda_arch=$arch"
  echo "sources=$sources"
  echo "patches=$patch_sums"
  echo "cmake_flags=${flags[*]}"
  echo "compiler=$("${CXX:-c++}" --version | head -1)"
  [ "$backend" = cuda ] && echo "nvcc=$( (command -v nvcc >/dev/null && nvcc --version || /usr/local/cuda/bin/nvcc --version) | tail -1)"
  echo "build_seconds=$seconds"
  echo "key=$key"
  echo "library=$libname"
  echo "library_sha256=$(sha256 "$DIR/lib/$libname" | cut -d' ' -f1)"
} >"$INFO"
say "built $DIR/lib in ${seconds}s: $(cd "$DIR/lib" && du -ch -- * | tail -1 | cut -f1) ($(cd "$DIR/lib" && ls | tr '\n' ' '))"
echo "export EXO_LLAMA_LIB=$DIR/lib/$libname"
