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
for v in auto none; do
  d="$WORK/$v"
  mkdir -p "$d"
  "$BUILD/bin/lowbit-compile" "$WORK/int8.mlir" -O3 --mcpu=native \
    -o "$d/resnet_int8.o" --header="$d/resnet_int8.h"
  "$BUILD/bin/lowbit-compile" "$WORK/binary.mlir" -O3 --mcpu=native \
    --popcount-kernels="$v" -o "$d/resnet_binary.o" \
    --header="$d/resnet_binary.h"
  cc -O2 -I"$d" "$WORK/driver.c" "$d/resnet_int8.o" "$d/resnet_binary.o" \
    -o "$d/bench" -lm
  # Each call allocates its intermediate tensors; glibc returns the large
  # ones to the kernel on free, so every call also pays page faults. The
  # second line keeps freed memory (what a planned arena gives) to show the
  # compute alone.
  for env in "" "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824"; do
    read -r t8 tb < <(env $env "$d/bench")
    python3 - "$v" "$t8" "$tb" "${env:+ (memory kept)}" <<'PY'
import sys
v, t8, tb, note = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"popcount kernels {v:<5} int8 {t8*1e3:8.2f} ms   binary {tb*1e3:8.2f} ms"
      f"   binary is {t8/tb:5.2f}x faster{note}")
PY
  done
done
