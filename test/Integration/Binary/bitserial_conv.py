# 2-4 bit x 2-4 bit integer conv2d by bit-serial popcount: signed and
# unsigned inputs and filters of 2, 3 and 4 bits, input zero points (padding
# holds the zero point, i.e. real 0), strides, dilations, asymmetric padding,
# groups and depthwise, constant and run-time filters. The exact sums
# sum (x - zx) * w (scales 1.0, f32 result) are compared with numpy; the
# lowered IR must use the popcount kernel.
# RUN: %python %s %t %mlir_lib_dir lowbit-opt mlir-runner
import re
import subprocess
import sys

import numpy as np

TMP, LIB, OPT, RUNNER = sys.argv[1:5]
RUN = (f"{RUNNER} -e main -entry-point-result=void -shared-libs="
       f"{LIB}/libmlir_runner_utils.so,{LIB}/libmlir_c_runner_utils.so")
rng = np.random.default_rng(11)


def value_range(signed, bits):
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def dense(a):
    if a.ndim == 1:
        return "[" + ", ".join(str(int(v)) for v in a) + "]"
    return "[" + ", ".join(dense(x) for x in a) + "]"


def conv_ref(x, w, zx, stride, dil, pad, groups):
    n, h, wd, c = x.shape
    o, kh, kw, cg = w.shape
    xp = np.pad(x - zx, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    og = o // groups
    out = np.zeros((n, oh, ow, o), dtype=np.int64)
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                win = xp[:, i * stride[0]: i * stride[0] + dil[0] * (kh - 1) + 1: dil[0],
                         j * stride[1]: j * stride[1] + dil[1] * (kw - 1) + 1: dil[1],
                         g * cg:(g + 1) * cg]
                out[:, i, j, oc] = (win * w[oc]).sum(axis=(1, 2, 3))
    return out


cases, funcs, body = [], [], []
for c in range(16):
    groups = int(rng.choice([1, 1, 2, 3]))
    cg = int(rng.choice([1, 3, 5, 64, 70]))
    if groups == 3 and cg > 5:
        cg = 2
    og = int(rng.integers(1, 3))
    n, h, wd = 1, int(rng.integers(2, 6)), int(rng.integers(2, 6))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
    dil = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
    pad = [int(v) for v in rng.integers(0, 3, 4)]
    if h + pad[0] + pad[1] < dil[0] * (kh - 1) + 1 or wd + pad[2] + pad[3] < dil[1] * (kw - 1) + 1:
        pad = [kh, kh, kw, kw]
    sx, sw = bool(rng.integers(2)), bool(rng.integers(2))
    bx, bw = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    lo, hi = value_range(sx, bx)
    x = rng.integers(lo, hi + 1, (n, h, wd, cg * groups))
    zx = int(rng.integers(lo, hi + 1))
    lo, hi = value_range(sw, bw)
    o = og * groups
    w = rng.integers(lo, hi + 1, (o, kh, kw, cg))
    tx = f"!quant.uniform<{'i' if sx else 'u'}{bx}:f32, 1.0:{zx}>"
    # The conv kernel takes filters with zero point 0 (symmetric weights).
    tw = f"!quant.uniform<{'i' if sw else 'u'}{bw}:f32, 1.0>"
    exp = conv_ref(x, w, zx, stride, dil, pad, groups)
    oh, ow = exp.shape[1], exp.shape[2]
    xt = f"tensor<{n}x{h}x{wd}x{cg * groups}x{tx}>"
    wt = f"tensor<{o}x{kh}x{kw}x{cg}x{tw}>"
    rt = f"tensor<{n}x{oh}x{ow}x{o}xf32>"
    attrs = (f"strides [{stride[0]}, {stride[1]}] dilations [{dil[0]}, {dil[1]}] "
             f"padding [{pad[0]}, {pad[1]}, {pad[2]}, {pad[3]}] groups {groups}")
    body.append(f"  %x{c} = lowbit.constant dense<{dense(x)}> : tensor<{n}x{h}x{wd}x{cg * groups}xi32> as {xt}")
    body.append(f"  %w{c} = lowbit.constant dense<{dense(w)}> : tensor<{o}x{kh}x{kw}x{cg}xi32> as {wt}")
    if c % 3:
        body.append(f"  %r{c} = lowbit.conv2d %x{c}, %w{c} {attrs} : {xt}, {wt} -> {rt}")
    else:
        funcs.append(f"func.func @conv{c}(%x: {xt}, %w: {wt}) -> {rt} {{\n"
                     f"  %r = lowbit.conv2d %x, %w {attrs} : {xt}, {wt} -> {rt}\n"
                     f"  return %r : {rt}\n}}")
        body.append(f"  %r{c} = call @conv{c}(%x{c}, %w{c}) : ({xt}, {wt}) -> {rt}")
    body.append(f"  %m{c} = bufferization.to_buffer %r{c} : {rt} to memref<{n}x{oh}x{ow}x{o}xf32>")
    body.append(f"  %u{c} = memref.cast %m{c} : memref<{n}x{oh}x{ow}x{o}xf32> to memref<*xf32>")
    body.append(f"  call @printMemrefF32(%u{c}) : (memref<*xf32>) -> ()")
    cases.append(exp)

src = ("\n".join(funcs) + "\nfunc.func @main() {\n" + "\n".join(body) +
       "\n  return\n}\nfunc.func private @printMemrefF32(memref<*xf32>) "
       "attributes {llvm.emit_c_interface}\n")
with open(TMP + ".mlir", "w") as f:
    f.write(src)
ir = subprocess.run(f"{OPT} --lowbit-lower-binary {TMP}.mlir", shell=True,
                    capture_output=True, text=True)
if ir.returncode or ir.stdout.count("math.ctpop") != len(cases) or "lowbit.conv2d" in ir.stdout:
    sys.exit("error: not every conv2d uses the bit-serial kernel\n" + ir.stderr[:2000])
out = subprocess.run(f"{OPT} --lowbit-to-llvm {TMP}.mlir | {RUN}", shell=True,
                     capture_output=True, text=True)
if out.returncode:
    sys.exit("error: " + out.stderr[:2000])
blocks = out.stdout.split("Unranked")[1:]
bad = 0
for i, blk in enumerate(blocks):
    vals = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?",
                                         blk.split("data =", 1)[1])]
    want = [float(v) for v in cases[i].flatten()]
    if vals != want:
        bad += 1
        print("mismatch in case", i, "got", vals[:8], "expected", want[:8])
if len(blocks) != len(cases) or bad:
    sys.exit(f"error: {bad} mismatches, {len(blocks)} of {len(cases)} results")
print(f"{len(cases)} cases passed")
