#!/usr/bin/env bash
# Binary MACs per instruction of the AArch64 popcount kernels' inner loops,
# and their throughput under llvm-mca -mcpu=neoverse-n1: compiles, for
# AArch64 with --popcount-kernels=neon, the binary matmul bench model
# (64 x 64 x 4096) and two binary 3x3 convs of the binary conv bench
# (256 -> 256 channels, which take the paired-word kernel, and 64 -> 64,
# one word per window position), finds in each the innermost loop with
# `cnt` instructions (a block that branches back to itself), counts its
# instructions and the binary MACs one iteration does (each `cnt` covers
# one 128-bit XOR, i.e. 128 binary MACs), and runs llvm-mca on the loop.
#   bench/binary_matmul/mca.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
BIN=/usr/lib/llvm-22/bin
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

measure() { # label model.mlir
  "$BUILD/bin/lowbit-compile" "$2" -O3 --target=aarch64-linux-gnu \
    --popcount-kernels=neon --emit=asm -o "$WORK/k.s"
  python3 - "$1" "$WORK/k.s" "$WORK/loop.s" <<'PY'
import re, sys
lines = open(sys.argv[2]).read().splitlines()
best = None
label = None
body = []
for line in lines:
    m = re.match(r"^(\.LBB\w+):", line)
    if m:
        label, body = m.group(1), []
        continue
    s = line.strip()
    if not s or s.startswith(".") or s.startswith("//"):
        continue
    body.append(s)
    # A branch back to the block's own label closes a single-block loop
    # (b.cond, cbnz, tbnz, ...).
    if label and re.search(r"[\s,]" + re.escape(label) + r"$", s):
        cnts = sum(1 for b in body if b.startswith("cnt"))
        if cnts and (best is None or cnts > best[1]):
            best = (label, cnts, list(body))
        label = None
if best is None:
    sys.exit(f"{sys.argv[1]}: no loop with cnt instructions found")
label, cnts, body = best
with open(sys.argv[3], "w") as f:
    f.write("\n".join(body) + "\n")
macs = cnts * 128
print(f"{sys.argv[1]}: inner loop {len(body)} instructions, {cnts} cnt, "
      f"{macs} binary MACs per iteration")
print(f"  binary MACs per instruction: {macs / len(body):.1f}")
PY
  "$BIN/llvm-mca" -mtriple=aarch64-linux-gnu -mcpu=neoverse-n1 \
    -iterations=1000 "$WORK/loop.s" 2>/dev/null \
    | grep -E "^(Iterations|Instructions|Total Cycles|IPC|Block RThroughput)" \
    | sed 's/^/  /'
}

python3 "$HERE/gen.py" "$WORK/bmm.mlir" "$WORK/driver.c" 64 64 4096
measure "binary matmul 64x64x4096" "$WORK/bmm.mlir"
python3 "$HERE/../binary_conv/gen.py" "$WORK/c256.mlir" "$WORK/z256.mlir" \
  "$WORK/c256.c" 256 256 14 14
measure "binary 3x3 conv 256->256 at 14x14" "$WORK/c256.mlir"
python3 "$HERE/../binary_conv/gen.py" "$WORK/c64.mlir" "$WORK/z64.mlir" \
  "$WORK/c64.c" 64 64 14 14
measure "binary 3x3 conv 64->64 at 14x14" "$WORK/c64.mlir"
# Each 128 binary MACs take an eor, a cnt and one instruction that merges
# the count into an accumulator (add, addp, uadalp), loads aside.
echo "bound of any eor + cnt kernel without loads: $(python3 -c 'print(f"{128/3:.1f}")') binary MACs per instruction"
