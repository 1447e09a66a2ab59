#!/usr/bin/env bash
# Binary matmul (M = N = 1024, K = 4096 bits) compiled by lowbit vs FP32
# OpenBLAS sgemm on the same M, N, K, single thread, in the same run.
#   bench/binary_matmul/run.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
BIN=/usr/lib/llvm-22/bin
LIB=/usr/lib/llvm-22/lib
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for p in libopenblas-dev clang-22; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done

python3 "$HERE/gen.py" "$WORK/bmm.mlir"
"$BUILD/bin/lowbit-opt" --lowbit-to-llvm "$WORK/bmm.mlir" -o "$WORK/bmm.llvm.mlir"
"$BIN/mlir-translate" --mlir-to-llvmir "$WORK/bmm.llvm.mlir" -o "$WORK/bmm.ll"
"$BIN/clang" -O3 -march=native -Wno-override-module "$WORK/bmm.ll" -o "$WORK/bmm" \
  -L"$LIB" -lmlir_c_runner_utils -Wl,-rpath,"$LIB"
"$BIN/clang" -O3 -march=native "$HERE/sgemm.c" -o "$WORK/sgemm" -lopenblas

MACS=$((1024 * 1024 * 4096))
tb=$("$WORK/bmm")
tf=$(OPENBLAS_NUM_THREADS=1 "$WORK/sgemm")
python3 - "$tb" "$tf" "$MACS" <<'PY'
import sys
tb, tf, macs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"lowbit binary matmul: {tb * 1e3:8.2f} ms  {macs / tb / 1e9:8.1f} G binary MAC/s")
print(f"OpenBLAS FP32 sgemm:  {tf * 1e3:8.2f} ms  {macs / tf / 1e9:8.1f} G MAC/s")
print(f"ratio (binary / FP32): {tf / tb:.2f}x")
PY
