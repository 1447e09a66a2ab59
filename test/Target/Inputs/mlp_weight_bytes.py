"""Compiles a digits-MLP-shaped model (64 -> 32 -> 10, int8 activations,
batch 1) with int8, int4, int2 and ternary weights for one target and
prints each object's read-only data (.rodata*) and its ratio to int8's;
exits with status 1 if a ratio exceeds its limit (NAME=RATIO arguments).

    mlp_weight_bytes.py LOWBIT-COMPILE TRIPLE[:CPU] WORKDIR [NAME=RATIO ...]
"""
import os
import random
import subprocess
import sys

ACT = "!quant.uniform<i8:f32, 0.1:-3>"
TYPES = [("int8", "!quant.uniform<i8:f32, 0.05>", -128, 127),
         ("int4", "!quant.uniform<i4:f32, 0.5>", -8, 7),
         ("int2", "!quant.uniform<i2:f32, 1.0>", -2, 1),
         ("ternary", "!quant.uniform<i2<-1:1>:f32, 1.0>", -1, 1)]


def model(name, wtype, lo, hi, rng):
    body = []
    x = "%x"
    for i, (k, n) in enumerate([(64, 32), (32, 10)]):
        w = bytes(rng.randint(lo, hi) & 0xFF for _ in range(k * n)).hex()
        body.append(
            f'    %w{i} = lowbit.constant dense<"0x{w}"> : tensor<{k}x{n}xi8>'
            f" as tensor<{k}x{n}x{wtype}>\n"
            f"    %y{i} = lowbit.matmul {x}, %w{i} : tensor<1x{k}x{ACT}>,"
            f" tensor<{k}x{n}x{wtype}> -> tensor<1x{n}x{ACT}>\n")
        x = f"%y{i}"
    return (f"module {{\n  func.func @{name}(%x: tensor<1x64x{ACT}>) -> "
            f"tensor<1x10x{ACT}> {{\n{''.join(body)}"
            f"    return %y1 : tensor<1x10x{ACT}>\n  }}\n}}\n")


def rodata(obj):
    out = subprocess.run(["size", "-A", obj], check=True, text=True,
                         capture_output=True).stdout
    return sum(int(line.split()[1]) for line in out.splitlines()
               if line.startswith(".rodata"))


def main(compiler, triple, work, *limits):
    os.makedirs(work, exist_ok=True)
    sizes = {}
    for name, wtype, lo, hi in TYPES:
        src = os.path.join(work, name + ".mlir")
        with open(src, "w") as f:
            f.write(model("mlp_" + name, wtype, lo, hi, random.Random(5)))
        obj = os.path.join(work, name + ".o")
        target, _, cpu = triple.partition(":")
        subprocess.run([compiler, src, "-O2", "--target=" + target, "-o",
                        obj] + (["--mcpu=" + cpu] if cpu else []), check=True)
        sizes[name] = rodata(obj)
    failed = False
    bounds = dict(l.split("=") for l in limits)
    for name, _, _, _ in TYPES:
        ratio = sizes[name] / sizes["int8"]
        verdict = ""
        if name in bounds:
            ok = ratio <= float(bounds[name])
            failed |= not ok
            verdict = (" within " if ok else " ABOVE ") + bounds[name]
        print(f"{name} {sizes[name]} bytes, {ratio:.3f} of int8{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
