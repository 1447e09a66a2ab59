#!/usr/bin/env bash
# lowbit developer entry point.
#
#   ./run.sh example   install what is missing, build, compile the bundled
#                      example models for x86-64 and AArch64, run them
#                      (AArch64 under qemu) and print outputs and timings
#   ./run.sh test      install what is missing, build, run every test
#
# Works as root on a fresh Debian 12 machine (packages come from apt-get);
# as another user it uses sudo when packages are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${LOWBIT_BUILD_DIR:-$ROOT/build}"
LLVM_BIN=/usr/lib/llvm-22/bin
JOBS="${LOWBIT_JOBS:-$(nproc)}"

PACKAGES=(
  cmake ninja-build g++ python3 python3-numpy
  llvm-22 llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22
  libclang-rt-22-dev
  libgtest-dev libgemmlowp-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx
  python3-sklearn
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

log() { printf '==> %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring in $BUILD"
    cmake -G Ninja -S "$ROOT" -B "$BUILD" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 >/dev/null
  fi
  log "building"
  ninja -C "$BUILD" -j "$JOBS" all
}

run_example() {
  local compile="$BUILD/bin/lowbit-compile" out="$BUILD/examples"
  # The x86-64 objects run here, so they may use everything this CPU has
  # (e.g. the VNNI int8 kernels).
  local x86cpu=()
  [ "$(uname -m)" = x86_64 ] && x86cpu=(--mcpu=native)
  mkdir -p "$out/x86_64" "$out/aarch64"
  for model in "$ROOT"/examples/*.mlir; do
    local name driver
    name="$(basename "$model" .mlir)"
    driver="$ROOT/examples/${name}_main.c"
    [ -f "$driver" ] || continue
    log "$name: lowbit-compile -O3 ${x86cpu[*]} for x86-64, run natively"
    "$compile" "$model" -O3 --target=x86_64-linux-gnu "${x86cpu[@]}" \
      -o "$out/x86_64/$name.o"
    cc -O2 -I"$out/x86_64" "$driver" "$out/x86_64/$name.o" -o "$out/x86_64/$name"
    "$out/x86_64/$name"
    log "$name: lowbit-compile -O3 for AArch64 (+dotprod), run under qemu"
    "$compile" "$model" -O3 --target=aarch64-linux-gnu --mattr=+dotprod \
      -o "$out/aarch64/$name.o"
    aarch64-linux-gnu-gcc -O2 -I"$out/aarch64" "$driver" "$out/aarch64/$name.o" \
      -o "$out/aarch64/$name"
    qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/aarch64/$name" 50
  done
  # ONNX models (float, PyTorch QDQ, QONNX binary) straight from the .onnx
  # file, classifying the 360 digits test images.
  local digits="$ROOT/examples/digits"
  for model in "$digits"/*.onnx; do
    local name dir
    name="$(basename "$model" .onnx)"
    for target in x86_64 aarch64; do
      dir="$out/$target/digits_$name"
      mkdir -p "$dir"
      if [ "$target" = x86_64 ]; then
        log "digits $name.onnx: lowbit-compile -O3 ${x86cpu[*]}, run natively"
        "$compile" "$model" -O3 --target=x86_64-linux-gnu "${x86cpu[@]}" \
          --function-name=digits -o "$dir/digits.o"
        cc -O2 -I"$dir" "$digits/app.c" "$dir/digits.o" -o "$dir/app" -lm
        "$dir/app" "$digits/data/test_x.npy" "$digits/data/test_y.npy"
      else
        log "digits $name.onnx: lowbit-compile -O3 for AArch64, run under qemu"
        "$compile" "$model" -O3 --target=aarch64-linux-gnu \
          --function-name=digits -o "$dir/digits.o"
        aarch64-linux-gnu-gcc -O2 -I"$dir" "$digits/app.c" "$dir/digits.o" \
          -o "$dir/app" -lm
        qemu-aarch64 -L /usr/aarch64-linux-gnu "$dir/app" \
          "$digits/data/test_x.npy" "$digits/data/test_y.npy"
      fi
    done
  done
}

# Prints "<passed> <failed>" from a lit log.
lit_counts() {
  local p f
  p=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$1" | head -1)
  f=$(sed -n 's/^ *Failed *: *\([0-9]*\).*/\1/p' "$1" | head -1)
  echo "${p:-0} ${f:-0}"
}

run_tests() {
  local lit_rc=0 ctest_rc=0 plugin_rc=0 logs
  logs="$(mktemp -d)"
  log "lit tests"
  "$LLVM_BIN/lit" -sv "$BUILD/test" 2>&1 | tee "$logs/lit" || lit_rc=$?
  log "unit tests"
  ctest --test-dir "$BUILD" -E '^lit$' --output-on-failure -j "$JOBS" 2>&1 \
    | tee "$logs/ctest" || ctest_rc=$?
  log "installed package: an out-of-tree plugin built against it, loaded into both tools"
  {
    local prefix="$BUILD/install-test" plugin="$BUILD/plugin"
    rm -rf "$prefix" &&
      cmake --install "$BUILD" --prefix "$prefix" >/dev/null &&
      cmake -G Ninja -S "$ROOT/examples/plugin" -B "$plugin" \
        -DLowBit_DIR="$prefix/lib/cmake/LowBit" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 >/dev/null &&
      ninja -C "$plugin" >/dev/null &&
      "$LLVM_BIN/lit" -sv "$plugin/test"
  } 2>&1 | tee "$logs/plugin" || plugin_rc=$?

  local lp lf pp pf up uf
  read -r lp lf < <(lit_counts "$logs/lit")
  read -r pp pf < <(lit_counts "$logs/plugin")
  up=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$logs/ctest" \
       | awk '{print $1 - $2}')
  uf=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$logs/ctest")
  up=${up:-0}; uf=${uf:-0}
  rm -rf "$logs"
  if [ "$lit_rc" -ne 0 ] && [ "$lf" -eq 0 ]; then lf=1; fi
  if [ "$ctest_rc" -ne 0 ] && [ "$uf" -eq 0 ]; then uf=1; fi
  if [ "$plugin_rc" -ne 0 ] && [ "$pf" -eq 0 ]; then pf=1; fi
  # One summary line over every runner.
  echo "$((lp + up + pp)) passed, $((lf + uf + pf)) failed"
  [ "$lit_rc" -eq 0 ] && [ "$ctest_rc" -eq 0 ] && [ "$plugin_rc" -eq 0 ]
}

# A build of lowbit's code with AddressSanitizer + UBSan (in its own
# directory); the installed LLVM/MLIR libraries stay uninstrumented.
use_sanitized_build() {
  BUILD="$ROOT/build-sanitize"
  # allow_user_poisoning=0: LLVM's Allocator.h poisons memory when inlined
  # into instrumented code, which the uninstrumented LLVM/MLIR libraries
  # then use legitimately (false use-after-poison reports).
  export ASAN_OPTIONS="detect_leaks=0:allow_user_poisoning=0:${ASAN_OPTIONS:-}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
  if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring the sanitized build in $BUILD"
    cmake -G Ninja -S "$ROOT" -B "$BUILD" \
      -DCMAKE_BUILD_TYPE=Release -DLOWBIT_SANITIZERS=address,undefined \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 >/dev/null
  fi
}

# Fuzzes both targets for SECONDS, at once, from the IR files of the tests and
# examples, with every lowbit library instrumented for coverage and ASan +
# UBSan. Crashes are written to build-fuzz/crashes/.
run_fuzz() {
  local seconds="$1" fuzz="$ROOT/build-fuzz" targets
  case "${2:-both}" in
    both) targets=(lowbit-fuzz-ir lowbit-fuzz-compile) ;;
    ir | compile) targets=("lowbit-fuzz-$2") ;;
    *) echo "fuzz: unknown target '$2' (ir, compile or both)" >&2; return 2 ;;
  esac
  if [ ! -f "$fuzz/build.ninja" ]; then
    log "configuring the fuzzing build in $fuzz"
    cmake -G Ninja -S "$ROOT" -B "$fuzz" -DCMAKE_BUILD_TYPE=Release \
      -DLOWBIT_SANITIZERS=address,undefined -DLOWBIT_FUZZ_COVERAGE=ON \
      -DLOWBIT_BUILD_TESTS=OFF \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 >/dev/null
  fi
  ninja -C "$fuzz" -j "$JOBS" lowbit-fuzz-ir lowbit-fuzz-compile
  export ASAN_OPTIONS="detect_leaks=0:allow_user_poisoning=0:${ASAN_OPTIONS:-}"
  local rc=0 pids=() target
  mkdir -p "$fuzz/crashes" "$fuzz/logs"
  # The targets run at once, one per core; seeds are named by their
  # content, so reruns add no duplicates.
  for target in "${targets[@]}"; do
    local corpus="$fuzz/corpus/$target"
    mkdir -p "$corpus"
    find "$ROOT/test" "$ROOT/examples" -name '*.mlir' -size -32k -print0 |
      while IFS= read -r -d '' seed; do
        local hash
        hash="$(sha1sum <"$seed" | cut -c1-16)"
        [ -e "$corpus/seed-$hash" ] || cp "$seed" "$corpus/seed-$hash"
      done
    log "$target: $seconds s (log: $fuzz/logs/$target.log)"
    "$fuzz/bin/$target" -max_total_time="$seconds" -max_len=16384 \
      -timeout=10 -print_final_stats=1 \
      -dict="$ROOT/tools/lowbit-fuzz/lowbit.dict" \
      -artifact_prefix="$fuzz/crashes/$target-" "$corpus" \
      >"$fuzz/logs/$target.log" 2>&1 &
    pids+=("$!")
  done
  for target in "${pids[@]}"; do
    wait "$target" || rc=1
  done
  for target in "${targets[@]}"; do
    grep -E '^stat::number_of_executed_units|^Done|ERROR|crash-' \
      "$fuzz/logs/$target.log" | sed "s/^/$target: /"
  done
  return "$rc"
}

case "${1:-}" in
  example) install_packages; build; run_example ;;
  test)
    install_packages
    if [ "${2:-}" = --sanitize ]; then use_sanitized_build; fi
    build; run_tests ;;
  fuzz) install_packages; run_fuzz "${2:-60}" "${3:-both}" ;;
  *) echo "usage: $0 example | test [--sanitize] | fuzz [seconds] [ir|compile|both]" >&2; exit 2 ;;
esac
