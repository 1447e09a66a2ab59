# Per-axis (per-channel) quantized types in lowbit.quantize,
# lowbit.dequantize and lowbit.requantize: every channel uses its own scale
# and zero point, along any axis.
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

KINDS = ["i8", "u8", "i4", "u4", "i2", "i16", "i8n"]


def per_axis_type(rng, kind, shape, symmetric=False):
    axis = int(rng.integers(len(shape)))
    return H.rand_qtype(rng, kind, axis=axis, channels=shape[axis],
                        symmetric=symmetric)


def real_inputs(rng, qt, shape):
    """Reals spread over each channel's range, with half-way points."""
    x = np.zeros(shape, dtype=np.float32)
    for idx in np.ndindex(shape):
        s, z = qt.channel(idx[qt.axis])
        k = int(rng.integers(qt.qmin - z - 2, qt.qmax - z + 3))
        r = rng.random()
        if r < 0.3:
            x[idx] = np.float32((k + 0.5) * float(s))
        else:
            x[idx] = np.float32((k + rng.uniform(-0.5, 0.5)) * float(s))
    return x


def generate(b, rng):
    for kind in KINDS:
        for rep in range(4):
            # quantize
            shape = H.rand_shape(rng)
            qt = per_axis_type(rng, kind, shape)
            x = real_inputs(rng, qt, shape)
            exp = {m: R.quantize(x, qt, m) for m in H.MODES}
            xf = b.f32_const(x)
            q = b.fresh("q")
            desc = b.emit("%s = lowbit.quantize %s : %s -> %s" % (
                q, xf, H.tensor_str(shape, "f32"),
                H.tensor_str(shape, H.qtype_str(qt))))
            b.read_q(q, qt, shape, exp, "quantize/%s/%d" % (kind, rep), desc,
                     inputs={"x": [float(v) for v in x.ravel()]})

            # dequantize
            shape = H.rand_shape(rng)
            qt = per_axis_type(rng, kind, shape)
            qv = H.rand_values(rng, qt, shape)
            exp = {m: R.dequantize(qv, qt, m).view(np.uint32)
                   for m in H.MODES}
            c = b.qconst(qv, qt)
            d = b.fresh("d")
            desc = b.emit("%s = lowbit.dequantize %s : %s -> %s" % (
                d, c, H.tensor_str(shape, H.qtype_str(qt)),
                H.tensor_str(shape, "f32")))
            b.read_float_bits(d, "f32", 32, shape, exp,
                              "dequantize/%s/%d" % (kind, rep), desc,
                              inputs={"q": qv.ravel().tolist()})

    # requantize: per-channel int32 accumulators to a per-tensor output (the
    # usual epilogue), per-axis to per-tensor, and per-axis to per-axis.
    cases = []
    for kout in ["i8", "u8", "i4", "i16", "i8n"]:
        cases += [("i32", kout), ("i32", kout)]
    for kin in KINDS:
        cases += [(kin, "i8"), (kin, "same")]
    for n, (kin, kout) in enumerate(cases):
        def draw(g):
            shape = H.rand_shape(g, min_rank=2)
            axis = int(g.integers(len(shape)))
            ch = shape[axis]
            if kin == "i32":
                scales = [H.rand_scale(g, 1e-6, 1e-3) for _ in range(ch)]
                qin = R.QType(32, True, scales, 0, axis=axis)
                mag = 1 << int(g.integers(8, 20))
                v = g.integers(-mag, mag + 1, size=shape, dtype=np.int64)
            else:
                qin = H.rand_qtype(g, kin, axis=axis, channels=ch)
                v = H.rand_values(g, qin, shape)
            spread = max(1, int(max(
                np.abs(np.take(v, c, axis=axis) - qin.zps[c]).max()
                * qin.scales[c] for c in range(ch)) / min(qin.scales)))
            base = min(qin.scales)
            if kout == "same":
                qout = H.rand_qtype(g, kin, axis=axis, channels=ch)
                qout = R.QType(qout.bits, qout.signed,
                               [s * float(np.exp(g.uniform(-2, 2)))
                                for s in qin.scales], qout.zps, axis=axis,
                               narrow=qout.narrow)
            else:
                orange = H.storage_type(kout).qmax - H.storage_type(kout).qmin
                qout = H.rand_qtype(g, kout, scale=base * spread / orange *
                                    float(np.exp(g.uniform(-1, 1))))
            exp = {m: R.requantize(v, qin, qout, m) for m in H.MODES}
            return shape, qin, qout, v, exp
        shape, qin, qout, v, exp = H.try_cases(draw, rng)
        c = b.qconst(v, qin)
        r = b.fresh("r")
        desc = b.emit("%s = lowbit.requantize %s : %s -> %s" % (
            r, c, H.tensor_str(shape, H.qtype_str(qin)),
            H.tensor_str(shape, H.qtype_str(qout))))
        b.read_q(r, qout, shape, exp, "requantize/%s->%s/%d" % (kin, kout, n),
                 desc, inputs={"q": v.ravel().tolist()})


if __name__ == "__main__":
    H.main(generate, seed=1003, description=__doc__)
