#!/usr/bin/env bash
# The digits-sized binary CNN (examples/binary_net.mlir) against its int8
# twin (same layers and shapes, int8 weights and activations), both through
# lowbit-compile -O3 --mcpu=native and the C ABI, single thread,
# interleaved in one run.
#   bench/binary_cnn/run.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK"
for m in binary_net int8_twin; do
  "$BUILD/bin/lowbit-compile" "$WORK/$m.mlir" -O3 --mcpu=native \
    -o "$WORK/$m.o" --header="$WORK/$m.h"
done
cc -O2 -I"$WORK" "$WORK/driver.c" "$WORK/binary_net.o" "$WORK/int8_twin.o" \
  -o "$WORK/bench"
read -r tb t8 < <("$WORK/bench")
python3 - "$tb" "$t8" <<'PY'
import sys
tb, t8 = map(float, sys.argv[1:])
print(f"binary CNN {tb:8.1f} ns per inference")
print(f"int8 twin  {t8:8.1f} ns per inference   binary is {t8 / tb:.2f}x faster")
PY
