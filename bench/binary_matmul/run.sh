#!/usr/bin/env bash
# Binary matmul (M = N = 1024, K = 4096 bits) compiled by lowbit-compile
# and called through the C ABI with packed inputs (what a user gets),
# against, in the same run and single-threaded:
#   - a plain C 4x4-tiled XNOR-popcount loop on the same packed bits
#     (clang -O3 -march=native), which must give the same results;
#   - OpenBLAS FP32 sgemm on the same M, N, K: the faster of OpenBLAS's
#     own kernel choice and its AVX-512 kernels (see ../openblas.sh), and
#     its AVX2 (Haswell) kernels, what an AVX2-only CPU runs, for the
#     column that the AVX2-only build is to be read against;
#   - lowbit without its popcount kernels (--popcount-kernels=none), with
#     each popcount kernel set this CPU can run, and built for an AVX2-only
#     CPU (--mcpu=haswell) and a generic x86-64 CPU (SSE2).
# The C loop times printed are those of the last build's run.
#   bench/binary_matmul/run.sh [build-dir] [M N K]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../openblas.sh
. "$HERE/../openblas.sh"
BUILD="${1:-$HERE/../../build}"
shift || true
SIZE=("${@:-1024 1024 4096}")
read -r M N K <<<"${SIZE[*]}"
BIN=/usr/lib/llvm-22/bin
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for p in libopenblas-dev clang-22; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done

python3 "$HERE/gen.py" "$WORK/bmm.mlir" "$WORK/driver.c" "$M" "$N" "$K"
"$BIN/clang" -O3 -march=native -DSGEMM_M="$M" -DSGEMM_N="$N" -DSGEMM_K="$K" \
  "$HERE/sgemm.c" -o "$WORK/sgemm" -lopenblas

# Builds: "label|lowbit-compile flags|/proc/cpuinfo flags needed".
flags=$(grep -m1 '^flags' /proc/cpuinfo)
builds=(
  "native (auto)|--mcpu=native|"
  "native, no popcount kernels|--mcpu=native --popcount-kernels=none|"
  "avx512-vpopcntdq|--mcpu=native --popcount-kernels=avx512-vpopcntdq|avx512f avx512_vpopcntdq"
  "avx512bw|--mcpu=native --popcount-kernels=avx512bw|avx512bw"
  "AVX2-only CPU (haswell)|--mcpu=haswell|avx2"
  "generic x86-64 (sse2)|--mcpu=x86-64|"
)
labels=()
for i in "${!builds[@]}"; do
  IFS='|' read -r label extra need <<<"${builds[$i]}"
  ok=1
  for n in $need; do [[ " $flags " == *" $n "* ]] || ok=0; done
  [[ $ok == 1 ]] || { echo "skipped: $label (CPU lacks $need)"; continue; }
  mkdir -p "$WORK/$i"
  # shellcheck disable=SC2086
  "$BUILD/bin/lowbit-compile" "$WORK/bmm.mlir" -O3 $extra \
    -o "$WORK/$i/bmm.o" --header="$WORK/$i/bmm.h"
  "$BIN/clang" -O3 -march=native -I"$WORK/$i" "$WORK/driver.c" \
    "$WORK/$i/bmm.o" -o "$WORK/$i/bench" -lm
  labels+=("$i")
done

MACS=$((M * N * K))
tf=$(openblas_best "$WORK/sgemm")
tf2=$(openblas_run Haswell "$WORK/sgemm")
echo "binary matmul M=$M N=$N K=$K, single thread"
printf "%-32s %10s %12s %10s %10s %10s\n" "build" "ms" "G bMAC/s" "x FP32" \
  "x C loop" "x AVX2 FP32"
for i in "${labels[@]}"; do
  IFS='|' read -r label _ _ <<<"${builds[$i]}"
  read -r tb tc < <("$WORK/$i/bench")
  python3 - "$label" "$tb" "$tc" "$tf" "$tf2" "$MACS" <<'PY'
import sys
v, tb, tc, tf, tf2, macs = sys.argv[1], *map(float, sys.argv[2:6]), int(sys.argv[6])
print(f"lowbit {v:<25} {tb*1e3:10.2f} {macs/tb/1e9:12.1f} {tf/tb:10.2f} "
      f"{tc/tb:10.2f} {tf2/tb:10.2f}")
PY
done
python3 - "$tc" "$tf" "$tf2" "$MACS" <<'PY'
import sys
tc, tf, tf2, macs = *map(float, sys.argv[1:4]), int(sys.argv[4])
print(f"{'plain C 4x4 tiled loop':<32} {tc*1e3:10.2f} {macs/tc/1e9:12.1f} {tf/tc:10.2f} {1:10.2f}")
print(f"{'OpenBLAS FP32 sgemm':<32} {tf*1e3:10.2f} {macs/tf/1e9:12.1f} {1:10.2f}")
print(f"{'OpenBLAS FP32 sgemm, AVX2':<32} {tf2*1e3:10.2f} {macs/tf2/1e9:12.1f} {tf/tf2:10.2f}")
PY
