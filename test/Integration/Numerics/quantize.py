# lowbit.quantize (f32 -> affine) and lowbit.dequantize (affine -> f32), per
# tensor, for every storage kind, in both requantization modes, compared bit
# for bit with lowbit_ref.py.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="requant-mode=float" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.float.out
# RUN: %python %s --check %t --mode float

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import harness as H  # noqa: E402
import lowbit_ref as R  # noqa: E402

KINDS = ["i8", "u8", "i4", "u4", "i2", "i16", "i8n", "i4n", "tern"]


def real_inputs(rng, qt, shape):
    """float32 inputs around the representable range: random reals, exact
    grid points, half-way points (exact ties when the scale is a power of
    two) and their float32 neighbours, and values that saturate."""
    s = np.float32(qt.scale)
    lo_k = qt.qmin - qt.zp - 3
    hi_k = qt.qmax - qt.zp + 3
    x = rng.uniform(float(lo_k * s), float(hi_k * s), size=shape)
    x = x.astype(np.float32)
    flat = x.reshape(-1)
    for i in range(flat.size):
        r = rng.random()
        k = int(rng.integers(lo_k, hi_k + 1))
        if r < 0.25:
            flat[i] = np.float32((k + 0.5) * float(s))
        elif r < 0.35:
            flat[i] = np.float32(k * float(s))
        elif r < 0.45:
            t = np.float32((k + 0.5) * float(s))
            flat[i] = np.nextafter(t, np.float32(np.inf if r < 0.4 else -np.inf))
        elif r < 0.5:
            flat[i] = np.float32(rng.choice([-1, 1]) * rng.uniform(1, 1e3) *
                                 (qt.qmax - qt.qmin + 1) * float(s))
        elif r < 0.52:
            flat[i] = np.float32(0.0) if r < 0.51 else np.float32(-0.0)
    return x


def generate(b, rng, kinds=KINDS, reps=8):
    for kind in kinds:
        for rep in range(reps):
            scale = H.pow2_scale(rng) if rep < 3 else None
            qt = H.rand_qtype(rng, kind, scale=scale)
            shape = H.rand_shape(rng)
            x = real_inputs(rng, qt, shape)
            exp = {m: R.quantize(x, qt, m) for m in H.MODES}
            xf = b.f32_const(x)
            q = b.fresh("q")
            desc = b.emit("%s = lowbit.quantize %s : %s -> %s" % (
                q, xf, H.tensor_str(shape, "f32"),
                H.tensor_str(shape, H.qtype_str(qt))))
            b.read_q(q, qt, shape, exp, "quantize/%s/%d" % (kind, rep), desc,
                     inputs={"x": [float(v) for v in x.ravel()]})

            shape = H.rand_shape(rng)
            qt = H.rand_qtype(rng, kind, scale=H.pow2_scale(rng, -20, 4)
                              if rep == 0 else None)
            qv = H.rand_values(rng, qt, shape)
            exp = {m: R.dequantize(qv, qt, m).view(np.uint32).astype(np.int64)
                   for m in H.MODES}
            c = b.qconst(qv, qt)
            d = b.fresh("d")
            desc = b.emit("%s = lowbit.dequantize %s : %s -> %s" % (
                d, c, H.tensor_str(shape, H.qtype_str(qt)),
                H.tensor_str(shape, "f32")))
            b.read_float_bits(d, "f32", 32, shape, exp,
                              "dequantize/%s/%d" % (kind, rep), desc,
                              inputs={"q": qv.ravel().tolist()})


if __name__ == "__main__":
    H.main(generate, seed=1001, description=__doc__)
