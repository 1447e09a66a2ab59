#!/usr/bin/env bash
# Binary MACs per instruction of the AArch64 popcount kernel's inner loop,
# and its throughput under llvm-mca -mcpu=neoverse-n1: compiles the binary
# matmul bench model for AArch64 (--popcount-kernels=neon), finds the
# innermost loop with `cnt` instructions, counts its instructions and the
# binary MACs one iteration does (each `cnt` covers one 128-bit XOR, i.e.
# 128 binary MACs), and runs llvm-mca on the loop body.
#   bench/binary_matmul/mca.sh [build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
BIN=/usr/lib/llvm-22/bin
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK/bmm.mlir" "$WORK/driver.c" 64 64 4096
"$BUILD/bin/lowbit-compile" "$WORK/bmm.mlir" -O3 --target=aarch64-linux-gnu \
  --popcount-kernels=neon --emit=asm -o "$WORK/bmm.s"
python3 - "$WORK/bmm.s" "$WORK/loop.s" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
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
    # A backward branch to the block's own label closes a single-block loop.
    if label and re.match(r"^b(\.\w+)?\s+" + re.escape(label) + r"$", s):
        cnts = sum(1 for b in body if b.startswith("cnt"))
        if cnts and (best is None or cnts > best[1]):
            best = (label, cnts, list(body))
        label = None
if best is None:
    sys.exit("no loop with cnt instructions found")
label, cnts, body = best
with open(sys.argv[2], "w") as f:
    f.write("\n".join(body) + "\n")
macs = cnts * 128
print(f"inner loop {label}: {len(body)} instructions, {cnts} cnt, "
      f"{macs} binary MACs per iteration")
print(f"binary MACs per instruction: {macs / len(body):.1f}")
PY
"$BIN/llvm-mca" -mtriple=aarch64-linux-gnu -mcpu=neoverse-n1 \
  -iterations=1000 "$WORK/loop.s" 2>/dev/null \
  | grep -E "^(Iterations|Instructions|Total Cycles|IPC|Block RThroughput)"
