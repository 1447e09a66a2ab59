# 2-4 bit x 2-4 bit integer matmul by bit-serial popcount over bit-planes:
# signed and unsigned operands of 2, 3 and 4 bits, zero points on both
# sides, K with tails (1, 5, 63, 64, 65, 130), constant and run-time
# weights. The exact products sum (a - za)(w - zw) (scales 1.0, f32 result)
# are compared with numpy; the lowered IR must use the popcount kernel.
# RUN: %python %s %t %mlir_lib_dir lowbit-opt mlir-runner
import numpy as np, subprocess, random, re, sys
rng = np.random.default_rng(5)
TMP, LIB, OPT, RUNNER = sys.argv[1:5]
R = f"{RUNNER} -e main -entry-point-result=void -shared-libs={LIB}/libmlir_runner_utils.so,{LIB}/libmlir_c_runner_utils.so"
def rng_t(signed, bits):
    return (-(1 << (bits-1)), (1 << (bits-1)) - 1) if signed else (0, (1 << bits) - 1)
cases = []
body = []
for c in range(24):
    M, K, N = rng.integers(1, 6), int(rng.choice([1, 5, 63, 64, 65, 130])), rng.integers(1, 6)
    sa, sw = bool(rng.integers(2)), bool(rng.integers(2))
    ba, bw = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    lo, hi = rng_t(sa, ba); a = rng.integers(lo, hi + 1, (M, K)); za = int(rng.integers(lo, hi + 1))
    lo2, hi2 = rng_t(sw, bw); w = rng.integers(lo2, hi2 + 1, (K, N)); zw = int(rng.integers(lo2, hi2 + 1)) if c % 2 else 0
    ta = f"!quant.uniform<{'i' if sa else 'u'}{ba}:f32, 1.0:{za}>"; tw = f"!quant.uniform<{'i' if sw else 'u'}{bw}:f32, 1.0:{zw}>"
    const_w = c % 3 != 0
    exp = (a - za) @ (w - zw)
    cases.append(exp)
    dense = lambda x: "[" + ", ".join("[" + ", ".join(str(int(v)) for v in row) + "]" for row in x) + "]"
    body.append(f'  %a{c} = lowbit.constant dense<{dense(a)}> : tensor<{M}x{K}xi32> as tensor<{M}x{K}x{ta}>')
    body.append(f'  %w{c} = lowbit.constant dense<{dense(w)}> : tensor<{K}x{N}xi32> as tensor<{K}x{N}x{tw}>')
    if const_w:
        body.append(f'  %r{c} = lowbit.matmul %a{c}, %w{c} : tensor<{M}x{K}x{ta}>, tensor<{K}x{N}x{tw}> -> tensor<{M}x{N}xf32>')
    else:
        body.append(f'  %r{c} = call @mm{c}(%a{c}, %w{c}) : (tensor<{M}x{K}x{ta}>, tensor<{K}x{N}x{tw}>) -> tensor<{M}x{N}xf32>')
        cases[-1] = (exp, f'func.func @mm{c}(%a: tensor<{M}x{K}x{ta}>, %w: tensor<{K}x{N}x{tw}>) -> tensor<{M}x{N}xf32> {{\n  %r = lowbit.matmul %a, %w : tensor<{M}x{K}x{ta}>, tensor<{K}x{N}x{tw}> -> tensor<{M}x{N}xf32>\n  return %r : tensor<{M}x{N}xf32>\n}}')
    body.append(f'  %m{c} = bufferization.to_buffer %r{c} : tensor<{M}x{N}xf32> to memref<{M}x{N}xf32>')
    body.append(f'  %u{c} = memref.cast %m{c} : memref<{M}x{N}xf32> to memref<*xf32>')
    body.append(f'  call @printMemrefF32(%u{c}) : (memref<*xf32>) -> ()')
funcs = [c[1] for c in cases if isinstance(c, tuple)]
src = "\n".join(funcs) + "\nfunc.func @main() {\n" + "\n".join(body) + "\n  return\n}\nfunc.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}\n"
open(TMP + ".mlir", "w").write(src)
ir = subprocess.run(f"{OPT} --lowbit-lower-binary {TMP}.mlir", shell=True, capture_output=True, text=True).stdout
if ir.count("math.ctpop") != len(cases) or "lowbit.matmul" in ir:
    sys.exit("error: not every matmul uses the bit-serial kernel")
out = subprocess.run(f"{OPT} --lowbit-to-llvm {TMP}.mlir | {R}", shell=True, capture_output=True, text=True)
if out.returncode:
    sys.exit("error: " + out.stderr[:2000])
blocks = out.stdout.split("Unranked")[1:]
bad = 0
for i, blk in enumerate(blocks):
    data = blk.split("data =", 1)[1]
    vals = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", data)]
    exp = cases[i][0] if isinstance(cases[i], tuple) else cases[i]
    if vals != [float(v) for v in exp.flatten()]:
        bad += 1; print("mismatch", i, vals[:8], exp.flatten()[:8])
if len(blocks) != len(cases) or bad:
    sys.exit(f"error: {bad} mismatches, {len(blocks)} of {len(cases)} results")
print(f"{len(cases)} cases passed")
