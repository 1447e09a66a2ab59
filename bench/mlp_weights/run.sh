#!/usr/bin/env bash
# Sub-byte weights at batch 1: the digits-MLP-shaped model (64 -> 32 -> 10)
# with int8, int4, int2 and ternary weights, through lowbit-compile -O3
# --mcpu=native (default kernels, weights packed in the object) and the C
# ABI, single thread, interleaved in one run. Prints each model's time per
# call and .rodata bytes, both as ratios to int8.
#   bench/mlp_weights/run.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK"
for w in int8 int4 int2 ternary; do
  "$BUILD/bin/lowbit-compile" "$WORK/$w.mlir" -O3 --mcpu=native \
    -o "$WORK/$w.o" --header="$WORK/$w.h"
done
cc -O2 -I"$WORK" "$WORK/driver.c" "$WORK"/int8.o "$WORK"/int4.o \
  "$WORK"/int2.o "$WORK"/ternary.o -o "$WORK/bench"
"$WORK/bench" > "$WORK/times"
python3 - "$WORK" <<'PY'
import subprocess, sys
work = sys.argv[1]
times = dict((l.split()[0], float(l.split()[1]))
             for l in open(work + "/times"))
def rodata(w):
    out = subprocess.run(["size", "-A", f"{work}/{w}.o"], check=True,
                         text=True, capture_output=True).stdout
    return sum(int(l.split()[1]) for l in out.splitlines()
               if l.startswith(".rodata"))
size = {w: rodata(w) for w in times}
print(f"{'weights':8} {'ns/call':>8} {'time/int8':>10} {'.rodata':>8} {'size/int8':>10}")
for w, t in times.items():
    print(f"{w:8} {t:8.1f} {t / times['int8']:10.2f} {size[w]:8d}"
          f" {size[w] / size['int8']:10.3f}")
PY
