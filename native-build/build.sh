#!/usr/bin/env bash
# Builds a self-contained exo for this platform: a jlink runtime with only the modules exo needs
# (the Vector API included), the app jar and a launcher, packed as
#   target/native/exo-VERSION-OS-ARCH.tar.gz
# and, where jpackage can make one (Linux with dpkg-deb and fakeroot), a .deb beside it.
# Whoever unpacks the tarball runs bin/exo; no JDK or Maven is needed on that machine.
# Usage: native-build/build.sh [--no-deb]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
want_deb=1
[ "${1:-}" = "--no-deb" ] && want_deb=0

# A JDK 25 or newer (JAVA_HOME, else the usual places): its jdeps, jlink and jpackage make the image.
java_major() {
  local home="$1" v=""
  [ -x "$home/bin/jlink" ] || return 1
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  [ -n "$v" ] && echo "$v"
}
JDK=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -n "$home" ] || continue
  major=$(java_major "$home") || continue
  if [ "$major" -ge 25 ]; then JDK="$home"; break; fi
done
[ -n "$JDK" ] || { echo "native-build: no JDK 25 or newer with jlink found; set JAVA_HOME" >&2; exit 3; }

[ -f target/exo.jar ] && [ -d target/lib ] || mvn -q -B -DskipTests package
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
NAME="exo-$VERSION-$OS-$ARCH"
OUT="target/native/$NAME"
rm -rf "$OUT" "target/native/$NAME.tar.gz"
mkdir -p "$OUT/bin" "$OUT/app"

# What jdeps finds in the app and its libraries, and what it cannot see: Netty reaches
# sun.misc.Unsafe by reflection (jdk.unsupported), TLS's Ed25519 is in jdk.crypto.ec's provider
# on older JDKs.
MODULES=$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 target/exo.jar target/lib/*.jar)
MODULES="$MODULES,jdk.incubator.vector,jdk.unsupported,jdk.crypto.ec"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$OUT/runtime"
# exo.jar names its libraries in its manifest as lib/*.jar, beside it.
cp target/exo.jar "$OUT/app/exo.jar"
cp -r target/lib "$OUT/app/lib"
cat > "$OUT/bin/exo" <<'LAUNCHER'
#!/bin/sh
# exo with its own Java runtime: no JDK needed. Extra JVM options go in EXO_JAVA_OPTS.
case "$0" in */*) here="${0%/*}" ;; *) here=. ;; esac
exec "$here/../runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${EXO_JAVA_OPTS:-} -jar "$here/../app/exo.jar" "$@"
LAUNCHER
chmod +x "$OUT/bin/exo"
cp -r completions "$OUT/completions"
tar -C target/native -czf "target/native/$NAME.tar.gz" "$NAME"
echo "native-build: target/native/$NAME.tar.gz ($(du -h "target/native/$NAME.tar.gz" | cut -f1); modules $MODULES)"

if [ "$want_deb" = 1 ]; then
  if [ "$OS" = linux ] && command -v dpkg-deb >/dev/null && command -v fakeroot >/dev/null; then
    "$JDK/bin/jpackage" --type deb --name exo --app-version "${VERSION%%-*}" --dest target/native \
      --input "$OUT/app" --main-jar exo.jar --runtime-image "$OUT/runtime" \
      --java-options "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED" \
      --description "Run large language models over a ring of the machines you already own" \
      --linux-package-name exo --install-dir /opt
    echo "native-build: $(ls target/native/*.deb) (installs /opt/exo/bin/exo)"
  else
    echo "native-build: no .deb: jpackage needs Linux with dpkg-deb and fakeroot"
  fi
fi
