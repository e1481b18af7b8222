#!/usr/bin/env bash
# exo on an NVIDIA GPU, in one run: builds llama.cpp b4916 with CUDA from the carried sources,
# then runs exo's GPU checks and benchmarks and writes every figure to one file,
# $OUT/gpu-check.txt (its logs beside it, in gpu-check-logs.txt).
#
# It runs on a machine with no Java and no network: what it needs travels in CARRY, made here by
# native-build/gpu-pack.sh (a Java runtime with exo, the llama.cpp archive, stories260K).
#
# Usage: native-build/gpu-check.sh [--rehearse-on-cpu] [CARRY]     (default CARRY: target/gpu-carry)
#   --rehearse-on-cpu  every step on a cpu build, without a GPU: tests the script, figures say CPU
# Environment:
#   OUT                    where the figures go (default: target/gpu-check)
#   EXO_GPU_CHECK_SECONDS  the run's deadline (default 560): steps that would pass it are skipped
#   EXO_GPU_CHECK_BENCH    synthetic MODEL:QUANT files to benchmark, in order (default:
#                          llama-3.2-1b:Q4_K_M llama-3.1-8b:Q8_0 llama-3.1-8b:Q4_K_M); each is written
#                          by one core meanwhile, and one not written in time is skipped and said so
#   EXO_GPU_CHECK_BENCH_ARGS  exo bench's test arguments (default: -p 512 -n 128 -r 3)
#   EXO_GPU_CHECK_BUILD_SECONDS  the build's own limit (default 420)
#   EXO_CUDA_ARCH          as for llama-gpu.sh (default 90: the H100/H200)
# Exit codes: 2 bad usage, 3 something missing (all of it named in one line), 1 a failed step.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
USAGE="usage: native-build/gpu-check.sh [--rehearse-on-cpu] [CARRY]"
backend=cuda
if [ "${1:-}" = --rehearse-on-cpu ]; then backend=cpu; shift; fi
case "${1:-}" in -*) echo "gpu-check: unknown option $1 ($USAGE)" >&2; exit 2 ;; esac
[ $# -le 1 ] || { echo "gpu-check: too many arguments ($USAGE)" >&2; exit 2; }
CARRY="$(readlink -f "${1:-target/gpu-carry}")"
seconds="${EXO_GPU_CHECK_SECONDS:-560}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "gpu-check: EXO_GPU_CHECK_SECONDS is '$seconds'; give seconds" >&2; exit 2; }
deadline=$(( $(date +%s) + seconds ))
BENCH_SPECS="${EXO_GPU_CHECK_BENCH-llama-3.2-1b:Q4_K_M llama-3.1-8b:Q8_0 llama-3.1-8b:Q4_K_M}"
for spec in $BENCH_SPECS; do
  [[ "$spec" =~ ^[a-z0-9.-]+:[A-Z0-9_]+$ ]] || { echo "gpu-check: EXO_GPU_CHECK_BENCH has '$spec'; give MODEL:QUANT" >&2; exit 2; }
done
RING_RESERVE=150   # seconds kept for the ring at the end
read -r -a BENCH_ARGS <<<"${EXO_GPU_CHECK_BENCH_ARGS:--p 512 -n 128 -r 3}"

RESULTS="${OUT:-$ROOT/target/gpu-check}"
mkdir -p "$RESULTS"
FIG="$RESULTS/gpu-check.txt"
WORK="$ROOT/target/gpu-check-work"
LOGS="$WORK/logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
: >"$FIG"
fig() { echo "$*" >>"$FIG"; echo "gpu-check: $*"; }
left() { echo $(( deadline - $(date +%s) )); }
# The logs travel back in one file, cut to their ends.
collect_logs() {
  for f in "$LOGS"/*; do
    [ -f "$f" ] || continue
    echo "===== $(basename "$f")"
    tail -c 200000 "$f"
  done >"$RESULTS/gpu-check-logs.txt" 2>/dev/null
}
trap collect_logs EXIT
fig "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n): backend $backend, deadline ${seconds}s"

# ---- what must be here, all named at once ----
missing=()
if [ "$backend" = cuda ]; then
  if ! command -v nvidia-smi >/dev/null; then
    missing+=("an NVIDIA GPU (nvidia-smi not found)")
  elif ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    missing+=("an NVIDIA GPU (nvidia-smi lists none)")
  fi
  NVCC="$(command -v nvcc || true)"
  [ -n "$NVCC" ] || { [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc; }
  [ -n "$NVCC" ] || missing+=("nvcc (the CUDA toolkit)")
fi
for tool in cmake c++ tar; do command -v "$tool" >/dev/null || missing+=("$tool"); done
command -v xz >/dev/null || command -v python3 >/dev/null || missing+=("xz or python3 (to unpack the Java runtime)")
for f in exo-java.tar.xz llama.cpp-b4916.tar.gz stories260K.gguf; do
  [ -f "$CARRY/$f" ] || missing+=("$CARRY/$f (make it with native-build/gpu-pack.sh and carry target/gpu-carry)")
done
if [ ${#missing[@]} -gt 0 ]; then
  msg="cannot run here: missing $(printf '%s; ' "${missing[@]}")"
  echo "${msg%; }" >>"$FIG"
  echo "gpu-check: ${msg%; }" >&2
  exit 3
fi
[ "$backend" = cuda ] && fig "gpu: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1); nvcc: $("$NVCC" --version | tail -1)"
fig "cpu: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

# step NAME LIMIT CMD...: runs CMD with a time limit (never past the deadline), its standard output
# in LOGS/NAME.log and its errors in LOGS/NAME.err; records its time and exit code. Skipped when
# under 20 s are left.
step() {
  local name=$1 limit=$2 rc start
  shift 2
  local remaining
  remaining=$(left)
  if [ "$remaining" -lt 20 ]; then
    fig "step $name: skipped (${remaining}s left before the deadline)"
    return 125
  fi
  [ "$limit" -gt $((remaining - 5)) ] && limit=$((remaining - 5))
  if [ "$limit" -lt 10 ]; then
    fig "step $name: skipped (no time left for it)"
    return 125
  fi
  start=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$LOGS/$name.log" 2>"$LOGS/$name.err"
  rc=$?
  fig "step $name: exit $rc in $(( $(date +%s) - start ))s$([ $rc = 124 ] && echo " (stopped at its ${limit}s limit)")"
  return $rc
}

# ---- the Java runtime and exo, unpacked ----
JAVA_DIR="$WORK/java"
rm -rf "$JAVA_DIR"
mkdir -p "$JAVA_DIR"
if command -v xz >/dev/null; then
  xz -dc "$CARRY/exo-java.tar.xz" | tar -x -C "$JAVA_DIR"
else
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$CARRY/exo-java.tar.xz" "$JAVA_DIR"
fi || { fig "cannot unpack $CARRY/exo-java.tar.xz"; exit 1; }
EXO="$JAVA_DIR/exo/bin/exo"
PROBE=("$JAVA_DIR/exo/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
       -cp "$JAVA_DIR/exo/probe:$JAVA_DIR/exo/app/exo.jar" exo.nativebuild.GgmlLogitsProbe)
fig "exo: $("$EXO" --version 2>/dev/null | head -1)"

HOME_DIR="$WORK/home"
SYN="$HOME_DIR/synthetic"
mkdir -p "$SYN"
cp "$CARRY/stories260K.gguf" "$SYN/stories260K.gguf"
STORIES="$SYN/stories260K.gguf"

# ---- synthetic models, written meanwhile with the jar's CPU library (its quantizer gives the
# CUDA build's bytes: LlamaBuildIT compares them), each by one process on one core (exo's writer
# is single-threaded: an 8B Q4_K_M takes longer than a run lasts; Q8_0 is encoded in Java, in
# about a minute) ----
rm -rf "$WORK/synthetic.done"
mkdir -p "$WORK/synthetic.done"
writers=()
for spec in $BENCH_SPECS; do
  m=${spec%%:*} q=${spec##*:}
  ( env -u EXO_LLAMA_LIB EXO_HOME="$HOME_DIR" nice -n 5 "$EXO" bench --synthetic "$m" --quant "$q" \
      -p 1 -n 0 -r 1 -t 1 --engine ggml --gpu off --discovery static >"$LOGS/synthetic-$m-$q.log" 2>&1 \
      && touch "$WORK/synthetic.done/$m-$q" ) &
  writers+=($!)
done
# The writers' exo processes (each subshell's child) are stopped with them.
stop_writers() {
  local w
  for w in ${writers[@]+"${writers[@]}"}; do pkill -P "$w" 2>/dev/null; kill "$w" 2>/dev/null; done
}
ready() { [ -f "$WORK/synthetic.done/$1" ]; }
writing() { local w; for w in ${writers[@]+"${writers[@]}"}; do kill -0 "$w" 2>/dev/null && return 0; done; return 1; }

# ---- the library ----
cuda_args=()
if [ "$backend" = cuda ]; then
  # cuBLAS and the driver library where the toolkit lacks them: the CUDA wheels beside PyTorch.
  tk="$(cd "$(dirname "$(readlink -f "$NVCC")")/.." && pwd)"
  if [ ! -f "$tk/include/cublas_v2.h" ] && [ ! -f "$tk/targets/x86_64-linux/include/cublas_v2.h" ]; then
    header=$(find /usr/local /opt /usr/lib /usr/include -name cublas_v2.h 2>/dev/null | head -1)
    if [ -n "$header" ]; then
      inc=$(dirname "$header")
      lib=$(find "$(dirname "$inc")" -name 'libcublas.so*' | head -1)
      liblt=$(find "$(dirname "$inc")" -name 'libcublasLt.so*' | head -1)
      cuda_args+=("-DCMAKE_CUDA_FLAGS=-I$inc" "-DCUDA_cublas_LIBRARY=$lib" "-DCUDA_cublasLt_LIBRARY=$liblt")
      fig "cuBLAS is not in the toolkit $tk; using $inc and $lib"
    fi
  fi
  if ! find "$tk" -name 'libcuda.so' 2>/dev/null | grep -q .; then
    cuda_args+=(-DGGML_CUDA_NO_VMM=ON)
    fig "no libcuda.so stub in $tk: building with GGML_CUDA_NO_VMM=ON (no virtual memory pool)"
  fi
fi
export EXO_CUDA_ARCH="${EXO_CUDA_ARCH:-90}"
step build-$backend "${EXO_GPU_CHECK_BUILD_SECONDS:-420}" env EXO_BUILD_JOBS="$(nproc)" EXO_LLAMA_BUILD_DIR="$WORK/llama-b4916-$backend" \
  EXO_CMAKE_ARGS="${cuda_args[*]}" bash native-build/llama-gpu.sh "$backend" "$CARRY/llama.cpp-b4916.tar.gz"
build_rc=$?
LIBDIR="$WORK/llama-b4916-$backend/lib"
if [ $build_rc != 0 ] || [ ! -f "$LIBDIR/libllama.so" ]; then
  fig "the $backend build failed; its log follows in gpu-check-logs.txt"
  grep -m 20 -iE 'error|fatal' "$WORK/llama-b4916-$backend/cmake-build.log" "$WORK/llama-b4916-$backend/cmake-configure.log" \
    2>/dev/null | sed 's/^/  /' >>"$FIG"
  cp "$WORK/llama-b4916-$backend"/cmake-*.log "$LOGS/" 2>/dev/null
  stop_writers
  exit 1
fi
fig "library: $(grep -E '^(build_seconds|cuda_arch|nvcc|compiler)=' "$LIBDIR/exo-llama-build.properties" | tr '\n' ' ')"
fig "library sizes: $(cd "$LIBDIR" && du -h -- lib*.so | tr '\t\n' ' ')"
export EXO_LLAMA_LIB="$LIBDIR/libllama.so"
missing_libs=$(ldd "$LIBDIR"/libggml*.so 2>/dev/null | awk '/not found/ {print $1}' | sort -u)
for m in $missing_libs; do
  dir=$(find /usr/local /opt /usr/lib /usr/lib64 -name "$m" 2>/dev/null | head -1)
  [ -n "$dir" ] && export LD_LIBRARY_PATH="$(dirname "$dir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fig "$m is not on the loader's path; found: ${dir:-nowhere}"
done

# ---- the device checks: GgmlDeviceTest's, on the real device ----
step devices 180 "${PROBE[@]}" compare --synthetic "$WORK/probe-models" "$STORIES"
grep -E '^(library|system|device|compare) ' "$LOGS/devices.log" | sed 's/^/  /' >>"$FIG"
for gpu in auto off; do
  step run-gpu-$gpu 120 "$EXO" run --model-file "$STORIES" --prompt "Once upon a time" --temperature 0 -n 64 \
    --gpu "$gpu" --engine ggml
  sed -n 's/^exo: engine/  run --gpu '"$gpu"': engine/p' "$LOGS/run-gpu-$gpu.err" >>"$FIG"
done
if [ -s "$LOGS/run-gpu-off.log" ] && cmp -s "$LOGS/run-gpu-auto.log" "$LOGS/run-gpu-off.log"; then
  fig "  exo run stories260K, 64 greedy tokens: --gpu auto and --gpu off tell the same story"
else
  fig "  exo run stories260K, 64 greedy tokens: --gpu auto and --gpu off DIFFER (both in the logs)"
fi

ring_model="$STORIES"   # the ring benchmarks the last file benchmarked alone, if any
# ---- benchmarks, as the synthetic files become ready: every engine on the first (the Java
# engine too), ggml and llama.cpp's own on the others; each waits for its file no longer than
# leaves the ring its time ----
engines=(--compare)
for spec in $BENCH_SPECS; do
  m=${spec%%:*} q=${spec##*:}
  while ! ready "$m-$q" && writing && [ "$(left)" -gt $((RING_RESERVE + 60)) ]; do sleep 5; done
  if ! ready "$m-$q"; then
    fig "bench $m $q: skipped, its synthetic file was not written in time ($(tail -c 300 "$LOGS/synthetic-$m-$q.log" | tr '\n' ' '))"
    continue
  fi
  fig "synthetic $m $q: $(sed -n 's/^exo: \(wrote .*\)/\1/p' "$LOGS/synthetic-$m-$q.log" | tail -1)"
  file="$SYN/$m-$q.gguf"
  limit=$(( ($(left) - RING_RESERVE) * 2 / 3 ))
  [ "$limit" -gt 240 ] && limit=240
  step bench-$m-$q-gpu "$limit" env EXO_HOME="$HOME_DIR" "$EXO" bench --model-file "$file" "${engines[@]}" \
    --gpu auto "${BENCH_ARGS[@]}" --discovery static --md
  engines=(--engine ggml,llama.cpp)
  grep '^|' "$LOGS/bench-$m-$q-gpu.log" >>"$FIG"
  limit=$(( $(left) - RING_RESERVE ))
  [ "$limit" -gt 180 ] && limit=180
  step bench-$m-$q-cpu "$limit" env EXO_HOME="$HOME_DIR" "$EXO" bench --model-file "$file" --engine ggml --gpu off \
    "${BENCH_ARGS[@]}" --discovery static --md
  grep '^| [^-m]' "$LOGS/bench-$m-$q-cpu.log" >>"$FIG"   # its rows, without the header
  ring_model="$file"
done

# ---- a ring on loopback: a node computing on the GPU, this machine's tail on the CPU ----
if [ "$(left)" -gt 60 ]; then
  EXO_HOME="$HOME_DIR/node-gpu" "$EXO" node --host 127.0.0.1 --port 0 --node-id gpu --name gpu --discovery static \
    --models-dir "$SYN" --memory 64GB --engine ggml --gpu auto >"$LOGS/ring-node.log" 2>&1 &
  node=$!
  port=""
  for _ in $(seq 1 120); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$LOGS/ring-node.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$node" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$port" ]; then
    fig "ring: the GPU node did not start (ring-node.log)"
  else
    ring=(--peers "127.0.0.1:$port" --node-id tail --name tail --host 127.0.0.1 --port 0 --memory 8GB)
    # exo chat is what runs through a ring: one piped line, greedy, through the ring and alone.
    chat=(bash -c 'echo "Once upon a time" | "$@"' chat env EXO_HOME="$HOME_DIR/tail" "$EXO" chat
          --model-file "$STORIES" --temperature 0 -n 64 --discovery static --engine ggml --gpu off)
    step chat-alone 120 "${chat[@]}"
    step chat-ring 120 "${chat[@]}" "${ring[@]}"
    sed -n 's/^exo: ring: /  ring: /p' "$LOGS/chat-ring.err" | head -1 >>"$FIG"
    if [ -s "$LOGS/chat-ring.log" ] && cmp -s "$LOGS/chat-ring.log" "$LOGS/chat-alone.log"; then
      fig "  ring (GPU node + CPU tail) stories260K, 64 greedy tokens: the same answer as the CPU alone"
    else
      fig "  ring (GPU node + CPU tail) stories260K, 64 greedy tokens: DIFFERS from the CPU alone (chat-*.log)"
    fi
    step ring-bench 200 env EXO_HOME="$HOME_DIR/tail" "$EXO" bench --model-file "$ring_model" --nodes 1,2 \
      -p 128 -n 64 -r 2 --discovery static --engine ggml --gpu off "${ring[@]}" --md
    grep '^|' "$LOGS/ring-bench.log" >>"$FIG"
  fi
  kill "$node" 2>/dev/null
  wait "$node" 2>/dev/null
else
  fig "ring: skipped ($(left)s left before the deadline)"
fi
stop_writers
fig "done in $(( seconds - $(left) ))s"
