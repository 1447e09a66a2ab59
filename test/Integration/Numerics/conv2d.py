# lowbit.conv2d (NHWC x OHWI) with strides, dilations, asymmetric padding
# (holding the input zero point), groups and depthwise filters, per-tensor
# and per-channel filters, optional int32 bias and fused activations.
# Filters here have zero point 0 (the TFLite convention); conv2d_filter_zp.py
# covers filters with nonzero zero points.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# The int8 dot-product kernels (16-, 8- and 4-lane tilings; 4, 2 or 1
# reduction elements per lane; unsigned x signed or signed x signed bytes),
# their instructions replaced by portable code so that any CPU runs them:
# same results.
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx512-vnni dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx-vnni dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx2 dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=neon-dotprod dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=sse2 dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=neon dot4-portable=1" %t.mlir \
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

# (input, filter, result) storage kinds; "/s" marks symmetric types, "/z"
# zero point 0.
COMBOS = [
    ("i8", "i8/z", "i8"), ("u8", "u8/z", "u8"), ("i8", "i4/z", "i8"),
    ("i4", "i4/z", "i4"), ("u4", "u4/z", "u4"), ("i2", "i2/z", "i8"),
    ("i16/s", "i8/z", "i16/s"), ("i8n", "i8n/z", "i8n"),
    ("i8", "tern/z", "i8"), ("u8", "i8/z", "u8"), ("i4", "u4/z", "i16"),
    ("i16", "i4/z", "i8"),
]
CONFIGS = ["plain", "stride", "dilation", "padding", "groups", "depthwise",
           "depthwise1", "all"]


def qtype(rng, kind, scale=None, axis=None, channels=None):
    """"/s": symmetric, "/z": zero point 0, "/nz": nonzero zero points."""
    base, _, flag = kind.partition("/")
    t = H.rand_qtype(rng, base, scale=scale, symmetric=flag == "s",
                     zp=0 if flag == "z" else None, axis=axis,
                     channels=channels)
    if flag == "nz":
        zps = [z if z != 0 else (1 if t.qmax >= 1 else -1) for z in t.zps]
        t = R.QType(t.bits, t.signed, t.scales, zps, axis=t.axis,
                    narrow=t.narrow)
    return t


def draw(rng, combo, config, per_channel, with_bias):
    kx, kw_, ko = combo
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    groups, cg, og = 1, r(1, 6), r(1, 4)
    kh, kw = r(1, 3), r(1, 3)
    strides, dilations, padding = [1, 1], [1, 1], [0, 0, 0, 0]
    if config in ("stride", "all"):
        strides = [r(1, 3), r(1, 3)]
    if config in ("dilation", "all"):
        dilations = [r(1, 3), r(1, 3)]
    if config in ("padding", "all"):
        padding = [r(0, 2) for _ in range(4)]
    if config in ("groups", "all"):
        groups = r(2, 3)
    if config == "depthwise":
        groups, cg, og = r(1, 8), 1, r(1, 3)
        padding = [r(0, 1) for _ in range(4)]
    if config == "depthwise1":  # channel multiplier 1 (the depthwise kernel)
        groups, cg, og = r(2, 20), 1, 1
        strides = [r(1, 2), r(1, 2)]
        padding = [r(0, 1) for _ in range(4)]
    n, h, w = r(1, 2), r(1, 9), r(1, 9)
    c, o = cg * groups, og * groups
    if kx.startswith("i16") and kh * kw * cg > 40:
        raise R.Undefined("keep int16 accumulations small")
    for size, k, d, s, p0, p1 in ((h, kh, dilations[0], strides[0],
                                   padding[0], padding[1]),
                                  (w, kw, dilations[1], strides[1],
                                   padding[2], padding[3])):
        if R.conv_output_size(size, p0, p1, k, s, d) < 1:
            raise R.Undefined("empty output")
    qx = qtype(rng, kx)
    qw = qtype(rng, kw_, axis=0, channels=o) if per_channel else qtype(rng, kw_)
    x = H.rand_values(rng, qx, (n, h, w, c))
    f = H.rand_values(rng, qw, (o, kh, kw, cg))
    zw = [qw.channel(oc)[1] for oc in range(o)]
    acc = R.conv2d_acc(x, f, qx.zp, zw, strides, dilations, padding, groups)
    bias = None
    if with_bias:
        mag = max(1, int(np.abs(acc).max()))
        bias = rng.integers(-mag, mag + 1, size=o, dtype=np.int64)
        acc = acc + bias
    spread = max(1.0, float(np.percentile(np.abs(acc), 90)))
    base = H.storage_type(ko.partition("/")[0])
    so = qx.scale * float(np.median(qw.scales)) * spread / \
        (base.qmax - base.qmin) * 2 * float(np.exp(rng.uniform(-0.7, 0.7)))
    qo = qtype(rng, ko, so)
    act, cmin, cmax = H.rand_act(rng, qo)
    attrs = dict(strides=strides, dilations=dilations, padding=padding,
                 groups=groups)
    exp = {md: R.conv2d(x, f, qx, qw, qo, md, bias, act=act, cmin=cmin,
                        cmax=cmax, **attrs) for md in H.MODES}
    return qx, qw, qo, act, cmin, cmax, x, f, bias, attrs, exp


def generate(b, rng, combos=COMBOS):
    i = 0
    for combo in combos:
        for rep in range(4):
            config = CONFIGS[i % len(CONFIGS)]
            i += 1
            per_channel = rng.random() < 0.5
            with_bias = rng.random() < 0.5
            (qx, qw, qo, act, cmin, cmax, x, f, bias, attrs,
             exp) = H.try_cases(
                lambda g: draw(g, combo, config, per_channel, with_bias), rng)
            cx = b.qconst(x, qx)
            cf = b.qconst(f, qw)
            types = [H.tensor_str(x.shape, H.qtype_str(qx)),
                     H.tensor_str(f.shape, H.qtype_str(qw))]
            parts = ""
            if bias is not None:
                cb, bt = b.bias_const(bias, qx, qw)
                parts += " bias %s" % cb
                types.append(bt)
            if attrs["strides"] != [1, 1] or rng.random() < 0.2:
                parts += " strides [%d, %d]" % tuple(attrs["strides"])
            if attrs["dilations"] != [1, 1] or rng.random() < 0.2:
                parts += " dilations [%d, %d]" % tuple(attrs["dilations"])
            if attrs["padding"] != [0, 0, 0, 0] or rng.random() < 0.2:
                parts += " padding [%d, %d, %d, %d]" % tuple(attrs["padding"])
            if attrs["groups"] != 1 or rng.random() < 0.2:
                parts += " groups %d" % attrs["groups"]
            r = b.fresh("r")
            shape = exp["fixed"].shape
            desc = b.emit("%s = lowbit.conv2d %s, %s%s%s : %s -> %s" % (
                r, cx, cf, parts, H.act_str(act, cmin, cmax),
                ", ".join(types), H.tensor_str(shape, H.qtype_str(qo))))
            inputs = {"input": x.ravel().tolist(), "filter": f.ravel().tolist()}
            if bias is not None:
                inputs["bias"] = bias.tolist()
            b.read_q(r, qo, shape, exp, "conv2d/%s/%d/%s%s%s" % (
                ",".join(combo), rep, config,
                "/per-channel" if per_channel else "",
                "/bias" if with_bias else ""), desc, inputs=inputs)


if __name__ == "__main__":
    H.main(generate, seed=1007, description=__doc__)
