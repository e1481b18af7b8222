#!/usr/bin/env bash
# Packs what native-build/gpu-check.sh needs on a GPU machine that has no Java, no network and
# none of ../shared, into target/gpu-carry/ (ignored by git; carried to the machine by name):
#   exo-java.tar.xz         a jlink Java runtime (exo's modules, libjvm stripped), exo.jar and its
#                           libraries (the llama.cpp jar keeps its Linux x86-64 library only),
#                           bin/exo, and the test classes of exo.nativebuild (GgmlLogitsProbe)
#   llama.cpp-b4916.tar.gz  the llama.cpp sources, copied from SOURCES
#   stories260K.gguf        the small real model the checks compare on
# All of it, with the repository, must stay under the 64 MiB a device run carries; it says the size.
# Usage: native-build/gpu-pack.sh [SOURCES]   (default: ../shared/vendor/llama.cpp-b4916.tar.gz)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
fail() { echo "gpu-pack: $1" >&2; exit "${2:-1}"; }
[ $# -le 1 ] || fail "usage: native-build/gpu-pack.sh [SOURCES]" 2
archive="${1:-$ROOT/../shared/vendor/llama.cpp-b4916.tar.gz}"
[ -f "$archive" ] || fail "no llama.cpp source archive at $archive" 3
model="$ROOT/../shared/models/stories260K.gguf"
[ -f "$model" ] || fail "no $model to carry" 3
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "the GPU machine is Linux x86-64; pack on one (a jlink runtime is native code)" 3
for tool in zip xz strip; do command -v "$tool" >/dev/null || fail "$tool is not installed; it is needed to pack" 3; done

JDK=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$home" ] && [ -x "$home/bin/jlink" ] || continue
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  if [ -n "$v" ] && [ "$v" -ge 25 ]; then JDK="$home"; break; fi
done
[ -n "$JDK" ] || fail "no JDK 25 or newer with jlink found; set JAVA_HOME" 3

# Always built afresh: a jar left from before would carry an older exo to a run that cannot be
# repeated. The probe lives in the test classes, which package compiles too.
mvn -q -B -DskipTests package || fail "the build failed (mvn -DskipTests package)" 1
[ -f target/test-classes/exo/nativebuild/GgmlLogitsProbe.class ] || fail "no GgmlLogitsProbe in target/test-classes" 1

OUT="$ROOT/target/gpu-carry"
WORK="$ROOT/target/gpu-pack"
rm -rf "$OUT" "$WORK"
mkdir -p "$OUT" "$WORK/exo/bin" "$WORK/exo/app" "$WORK/exo/probe/exo"
# The modules jdeps finds, as native-build/build.sh takes them. zip-0: xz compresses the whole
# pack better than jlink's own zip would.
MODULES=$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 target/exo.jar target/lib/*.jar)
MODULES="$MODULES,jdk.incubator.vector,jdk.unsupported,jdk.crypto.ec"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-0 \
  --output "$WORK/exo/runtime" 2>/dev/null
strip --strip-unneeded "$WORK/exo/runtime/lib/server/libjvm.so"
cp target/exo.jar "$WORK/exo/app/"
cp -r target/lib "$WORK/exo/app/lib"
# On the GPU machine exo loads the CUDA build (EXO_LLAMA_LIB); the jar's other platforms stay here.
zip -q -d "$WORK/exo/app/lib/llama-4.2.0.jar" 'de/kherud/llama/Windows/*' 'de/kherud/llama/Mac/*' \
  'de/kherud/llama/Linux-Android/*' 'de/kherud/llama/Linux/aarch64/*' >/dev/null
cp -r target/test-classes/exo/nativebuild "$WORK/exo/probe/exo/"
cat >"$WORK/exo/bin/exo" <<'LAUNCHER'
#!/bin/sh
# exo on the runtime beside it (as native-build/build.sh's launcher).
case "$0" in */*) here="${0%/*}" ;; *) here=. ;; esac
exec "$here/../runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${EXO_JAVA_OPTS:-} -jar "$here/../app/exo.jar" "$@"
LAUNCHER
chmod +x "$WORK/exo/bin/exo"
# Checked here before it travels: the runtime starts exo.
"$WORK/exo/bin/exo" --version >/dev/null 2>&1 || fail "the packed runtime does not start exo" 1
tar -C "$WORK" -cf - exo | xz -T0 -6 >"$OUT/exo-java.tar.xz"
cp "$archive" "$OUT/llama.cpp-b4916.tar.gz"
cp "$model" "$OUT/stories260K.gguf"
rm -rf "$WORK"
carried=$(du -sb "$OUT" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "gpu-pack: target/gpu-carry: $((carried / 1048576)) MiB ($(cd "$OUT" && du -h -- * | tr '\t\n' ' '))"
echo "gpu-pack: with the repository's tracked files ($((tree / 1048576)) MiB): $(((carried + tree) / 1048576)) MiB of the 64 MiB a run carries"
[ $((carried + tree)) -lt $((64 * 1048576)) ] || fail "over the 64 MiB a device run carries" 1
