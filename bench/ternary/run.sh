#!/usr/bin/env bash
# Ternary against int8, through lowbit-compile -O3 --mcpu=native and the C
# ABI, single thread, same run: ternary x ternary matmul vs int8 x int8
# matmul (1024 x 4096 x 1024), int8 x ternary GEMV vs int8 GEMV
# (1 x 4096 x 1024), and int8 x int4 GEMV; the GEMVs keep their 4- and
# 2-bit weights packed in the object (--pack-weights=auto).
#   bench/ternary/run.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK/models.mlir" "$WORK/driver.c"
"$BUILD/bin/lowbit-compile" "$WORK/models.mlir" -O3 --mcpu=native \
  -o "$WORK/models.o" --header="$WORK/models.h"
cc -O2 -I"$WORK" "$WORK/driver.c" "$WORK/models.o" -o "$WORK/bench" -lm
read -r tt i8 tg g8 g4 < <("$WORK/bench")
python3 - "$tt" "$i8" "$tg" "$g8" "$g4" <<'PY'
import sys
tt, i8, tg, g8, g4 = map(float, sys.argv[1:])
macs, gmacs = 1024 * 4096 * 1024, 4096 * 1024
print(f"ternary x ternary matmul {tt*1e3:8.3f} ms {macs/tt/1e9:7.0f} G MAC/s")
print(f"int8 x int8 matmul       {i8*1e3:8.3f} ms {macs/i8/1e9:7.0f} G MAC/s"
      f"   ternary is {i8/tt:.2f}x faster")
print(f"int8 x ternary GEMV      {tg*1e6:8.1f} us {gmacs/tg/1e9:7.0f} G MAC/s")
print(f"int8 x int8 GEMV         {g8*1e6:8.1f} us {gmacs/g8/1e9:7.0f} G MAC/s"
      f"   ternary weights {g8/tg:.2f}x faster")
print(f"int8 x int4 GEMV         {g4*1e6:8.1f} us {gmacs/g4/1e9:7.0f} G MAC/s"
      f"   int4 weights {g8/g4:.2f}x faster")
PY
