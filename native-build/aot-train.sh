#!/usr/bin/env bash
# Writes target/exo.aot, an ahead-of-time cache of the classes exo loads and links at start
# (JDK 25, JEP 483/514): an `exo node` started with it listens in about half the time. The
# training run is a node on loopback, stopped once it listens. The launcher (and the tests'
# node processes) use the cache while it is newer than target/exo.jar; a stale or missing one
# is ignored by the JVM without a word, so this is only ever a speed-up.
# Usage: native-build/aot-train.sh   (from `mvn package`; needs target/exo.jar)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="$ROOT/target/exo.aot"
log="$ROOT/target/aot-train.log"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
rm -f "$out"
EXO_AOT_TRAINING=1 EXO_HOME="$home" EXO_JAVA_OPTS="-XX:AOTCacheOutput=$out" \
  "$ROOT/exo" node --host 127.0.0.1 --port 0 --discovery static --name aot-training >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q "listening for peers" "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
# SIGTERM runs the shutdown hooks and a normal exit, at which the JVM writes the cache.
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
if [ -s "$out" ]; then
  echo "exo: wrote the start-up cache $out ($(( $(stat -c %s "$out") >> 20 )) MiB)"
else
  echo "exo: no start-up cache was written (see $log); exo starts without one"
fi
