# lowbit.add with numpy broadcasting and fused activations: TFLite ADD
# (fixed point, 20 bits of headroom, 15 for symmetric int16) and the float
# mode (dequantize, add and requantize in float32), for every storage kind
# and mixed operand widths.
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

# (lhs, rhs, result) storage kinds; "/s" marks symmetric types.
COMBOS = [
    ("i8", "i8", "i8"), ("u8", "u8", "u8"), ("i4", "i4", "i4"),
    ("u4", "u4", "u4"), ("i2", "i2", "i2"), ("i16", "i16", "i16"),
    ("i8n", "i8n", "i8n"), ("i8/s", "i8/s", "i8/s"),
    ("i16/s", "i16/s", "i16/s"), ("i4/s", "i4/s", "i4"),
    ("i8", "i4", "i8"), ("u8", "i8", "i8"), ("i16", "i8", "i16"),
    ("i4", "u4", "i4"), ("i8", "i8", "u8"), ("i8", "i8", "i4"),
    ("i2", "i8", "i8"), ("tern", "tern", "i4"), ("u4", "u8", "i16"),
    ("i16/s", "i8/s", "i8"),
]


def qtype(rng, kind, scale=None):
    base, _, sym = kind.partition("/")
    return H.rand_qtype(rng, base, scale=scale, symmetric=bool(sym))


def span(qt):
    return max(qt.qmax - qt.zp, qt.zp - qt.qmin, 1)


def draw(rng, combo, tie):
    ka, kb, ko = combo
    sa = H.pow2_scale(rng) if tie else None
    sb = H.pow2_scale(rng) if tie else None
    qa = qtype(rng, ka, sa)
    qb = qtype(rng, kb, sb)
    base = H.storage_type(ko.partition("/")[0])
    real = qa.scale * span(qa) + qb.scale * span(qb)
    so = real / (base.qmax - base.qmin) * 2 * float(np.exp(rng.uniform(-0.8, 0.8)))
    if tie:
        so = 2.0 ** round(np.log2(so))
    qo = qtype(rng, ko, so)
    act, cmin, cmax = H.rand_act(rng, qo)
    sha, shb, sho = H.rand_broadcast_shapes(rng)
    x = H.rand_values(rng, qa, sha)
    y = H.rand_values(rng, qb, shb)
    exp = {m: R.add(x, y, qa, qb, qo, m, act, cmin, cmax) for m in H.MODES}
    return qa, qb, qo, act, cmin, cmax, x, y, exp


def generate(b, rng, combos=COMBOS, reps=4):
    for combo in combos:
        for rep in range(reps):
            tie = rep == 0
            qa, qb, qo, act, cmin, cmax, x, y, exp = H.try_cases(
                lambda g: draw(g, combo, tie), rng)
            ca = b.qconst(x, qa)
            cb = b.qconst(y, qb)
            r = b.fresh("r")
            shape = exp["fixed"].shape
            desc = b.emit("%s = lowbit.add %s, %s%s : %s, %s -> %s" % (
                r, ca, cb, H.act_str(act, cmin, cmax),
                H.tensor_str(x.shape, H.qtype_str(qa)),
                H.tensor_str(y.shape, H.qtype_str(qb)),
                H.tensor_str(shape, H.qtype_str(qo))))
            b.read_q(r, qo, shape, exp, "add/%s/%d%s" % (
                ",".join(combo), rep, "/tie" if tie else ""), desc,
                inputs={"lhs": x.ravel().tolist(), "rhs": y.ravel().tolist()})


if __name__ == "__main__":
    H.main(generate, seed=1004, description=__doc__)
