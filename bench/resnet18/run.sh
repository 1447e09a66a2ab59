#!/usr/bin/env bash
# A ResNet-18-shaped backbone (int8 stem, 16 stage convs; see gen.py) in
# int8 and in binary, both compiled by lowbit-compile -O3 for this CPU and
# timed through the C ABI in the same run, single thread; also the binary
# one without the popcount kernels.
#   bench/resnet18/run.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK/int8.mlir" "$WORK/binary.mlir" "$WORK/driver.c"
# Four builds: planned memory with the popcount kernels (the default),
# the same with every intermediate tensor on the heap (--plan-memory=false:
# each call allocates and frees 53/71 buffers; glibc returns the large ones
# to the kernel, so every call also pays page faults), planned memory
# without the popcount kernels, and the default on two threads.
run() {
  local name="$1" flags="$2" pop="$3"
  local d="$WORK/$name"
  mkdir -p "$d"
  "$BUILD/bin/lowbit-compile" "$WORK/int8.mlir" -O3 --mcpu=native $flags \
    -o "$d/resnet_int8.o" --header="$d/resnet_int8.h"
  "$BUILD/bin/lowbit-compile" "$WORK/binary.mlir" -O3 --mcpu=native $flags \
    --popcount-kernels="$pop" -o "$d/resnet_binary.o" \
    --header="$d/resnet_binary.h"
  cc -O2 -I"$d" "$WORK/driver.c" "$d/resnet_int8.o" "$d/resnet_binary.o" \
    -o "$d/bench" -lm
  read -r t8 tb h8 hb < <("$d/bench")
  echo "$name $t8 $tb $h8 $hb"
}
{
  run planned "" auto
  run heap "--plan-memory=false" auto
  run planned-no-popcount-kernels "" none
  run planned-2-threads "--threads=2" auto
} | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
base8, baseb = float(rows[0][1]), float(rows[0][2])
for name, t8, tb, h8, hb in rows:
    t8, tb = float(t8), float(tb)
    same = "same outputs" if (h8, hb) == tuple(rows[0][3:5]) else "OUTPUTS DIFFER"
    print(f"{name:<28} int8 {t8*1e3:7.2f} ms ({base8/t8:4.2f}x)"
          f"   binary {tb*1e3:7.2f} ms ({baseb/tb:4.2f}x)"
          f"   binary/int8 {t8/tb:5.2f}x   {same}")
print("(the ratios in parentheses: against the first row, same run)")
'
