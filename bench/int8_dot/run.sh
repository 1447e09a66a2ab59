#!/usr/bin/env bash
# int8 matmul, conv2d and depthwise conv2d compiled ahead of time for this
# CPU with the dot-product kernels (--dot-kernels=auto: vpdpbusd with
# AVX-512 VNNI or AVX-VNNI, vpmaddubsw/vpmaddwd with AVX2, pmaddwd with
# SSE2) against the same compiler without them (--dot-kernels=none: LLVM's
# loop vectorizer), and each kernel set the CPU has, all in the same run.
# Single thread.
#   bench/int8_dot/run.sh [build-dir]
# OpenBLAS FP32 sgemm on the matmul's M, N, K (its fastest kernels: see
# ../openblas.sh) is printed as a reference point.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../openblas.sh
. "$HERE/../openblas.sh"
BUILD="${1:-$HERE/../../build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "install ok installed" \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas-dev >/dev/null; }
cc -O2 -DSGEMM_M=256 -DSGEMM_N=1024 -DSGEMM_K=1024 "$HERE/../binary_matmul/sgemm.c" \
  -o "$WORK/sgemm" -lopenblas

python3 "$HERE/gen.py" "$WORK/model.mlir" "$WORK/driver.c"
flags=$(grep -m1 '^flags' /proc/cpuinfo)
variants="none auto"
for v in avx512-vnni avx-vnni avx2 sse2; do
  case "$v" in
    avx512-vnni) need="avx512_vnni avx512bw" ;;
    avx-vnni) need="avx_vnni" ;;
    avx2) need="avx2" ;;
    sse2) need="sse2" ;;
  esac
  ok=1
  for n in $need; do [[ " $flags " == *" $n "* ]] || ok=0; done
  [[ $ok == 1 ]] && variants="$variants $v"
done
for v in $variants; do
  "$BUILD/bin/lowbit-compile" "$WORK/model.mlir" --mcpu=native -O3 \
    --dot-kernels="$v" -o "$WORK/model_$v.o"
  cc -O2 "$WORK/driver.c" "$WORK/model_$v.o" -o "$WORK/bench_$v" -lm
done
# Interleave the runs so that machine noise hits every variant alike.
for round in 1 2 3; do
  for v in $variants; do
    "$WORK/bench_$v" 2>/dev/null | paste -sd' ' | sed "s/^/$v /"
  done
  echo "sgemm $(openblas_best "$WORK/sgemm" || true) 0 0"
done > "$WORK/times"
python3 - "$WORK/times" <<'PY'
import sys
best = {}
for line in open(sys.argv[1]):
    v, *times = line.split()
    b = best.setdefault(v, [1e9, 1e9, 1e9])
    for i, t in enumerate(times):
        b[i] = min(b[i], float(t))
macs = {"mm": 256 * 1024 * 1024, "conv": 56 * 56 * 64 * 64 * 9,
        "dw": 56 * 56 * 128 * 9}
sgemm = best.pop("sgemm")[0]
base = best["none"]
print("%-12s %28s %28s %28s" % ("--dot-kernels", "matmul 256x1024x1024",
                                 "conv 3x3 56x56x64->64",
                                 "depthwise 3x3 56x56x128"))
for v, times in best.items():
    print("%-12s" % v + "".join(
        " %7.3f ms %6.1f GMAC/s %6.2fx" % (t * 1e3, macs[k] / t / 1e9, b / t)
        for k, t, b in zip(("mm", "conv", "dw"), times, base)))
print("%-12s %7.3f ms %6.0f GMAC/s  (FP32 reference; auto is %.2fx faster)" % (
    "sgemm", sgemm * 1e3, macs["mm"] / sgemm / 1e9, sgemm / best["auto"][0]))
print("ratios are against --dot-kernels=none (LLVM's own vectorization), same run")
PY
