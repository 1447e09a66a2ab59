#!/usr/bin/env bash
# Binary 3x3 conv2d (256 -> 256 channels at 14 x 14, padding 1) compiled by
# lowbit-compile for this CPU and called through the C ABI, with
# `pad_value one` and `pad_value zero`, against an FP32 conv of the same
# shape (im2col + OpenBLAS sgemm, its fastest kernels: see ../openblas.sh),
# single thread, in the same run; also
# without the popcount kernels (--popcount-kernels=none).
#   bench/binary_conv/run.sh [build-dir] [C O H W]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../openblas.sh
. "$HERE/../openblas.sh"
BUILD="${1:-$HERE/../../build}"
shift || true
SIZE=("${@:-256 256 14 14}")
read -r C O H W <<<"${SIZE[*]}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "install ok installed" \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas-dev >/dev/null; }

python3 "$HERE/gen.py" "$WORK/one.mlir" "$WORK/zero.mlir" "$WORK/driver.c" \
  "$C" "$O" "$H" "$W"
MACS=$((H * W * O * 9 * C))
echo "binary 3x3 conv2d ${C} -> ${O} at ${H}x${W}, padding 1, single thread"
printf "%-34s %9s %9s %10s %9s\n" "build" "one ms" "zero ms" "x FP32" "zero/one"
for v in auto none; do
  d="$WORK/$v"
  mkdir -p "$d"
  for m in one zero; do
    "$BUILD/bin/lowbit-compile" "$WORK/$m.mlir" -O3 --mcpu=native \
      --popcount-kernels="$v" -o "$d/conv_$m.o" --header="$d/conv_$m.h"
  done
  cc -O2 -I"$d" "$WORK/driver.c" "$d/conv_one.o" "$d/conv_zero.o" \
    -o "$d/bench" -lopenblas -lm
  read -r t1 t2 tf < <(openblas_best "$d/bench")
  python3 - "$v" "$t1" "$t2" "$tf" "$MACS" <<'PY'
import sys
v, t1, t2, tf, macs = sys.argv[1], *map(float, sys.argv[2:5]), int(sys.argv[5])
print(f"lowbit --popcount-kernels={v:<8} {t1*1e3:9.3f} {t2*1e3:9.3f} "
      f"{tf/t1:10.2f} {t2/t1:9.2f}   ({macs/t1/1e9:.0f} G bMAC/s; FP32 "
      f"{tf*1e3:.3f} ms, {macs/tf/1e9:.0f} G MAC/s)")
PY
done
