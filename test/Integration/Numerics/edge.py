# Hand-checked edge cases: values at qmin/qmax, exact rounding ties (half
# away from zero in fixed-point mode, half to even in float mode), TFLite's
# double rounding, activation bounds, pooling rounding and padding, and
# small-float ties and saturation. The expected values are written out by
# hand below (derivations in the comments) and must also agree with
# lowbit_ref.py.
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
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import harness as H  # noqa: E402
import lowbit_ref as R  # noqa: E402


def Q(kind, scale, zp):
    return H.storage_type(kind, scale, zp)


def f32bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def agree(label, exp, ref):
    for m in H.MODES:
        want = np.asarray(exp[m]).ravel().tolist()
        got = np.asarray(ref[m]).ravel().tolist()
        assert want == got, "%s [%s]: hand %s, reference %s" % (
            label, m, want, got)


def modes(fixed, flt=None):
    return {"fixed": fixed, "float": fixed if flt is None else flt}


def case_quantize(b, label, x, qt, exp):
    x = np.array(x, dtype=np.float32)
    agree(label, exp, {m: R.quantize(x, qt, m) for m in H.MODES})
    xf = b.f32_const(x)
    q = b.fresh("q")
    desc = b.emit("%s = lowbit.quantize %s : %s -> %s" % (
        q, xf, H.tensor_str(x.shape, "f32"),
        H.tensor_str(x.shape, H.qtype_str(qt))))
    b.read_q(q, qt, x.shape, exp, label, desc,
             inputs={"x": [float(v) for v in x]})


def case_dequantize(b, label, q, qt, exp):
    q = np.array(q)
    agree(label, exp, {m: R.dequantize(q, qt, m).view(np.uint32)
                       for m in H.MODES})
    c = b.qconst(q, qt)
    d = b.fresh("d")
    desc = b.emit("%s = lowbit.dequantize %s : %s -> %s" % (
        d, c, H.tensor_str(q.shape, H.qtype_str(qt)),
        H.tensor_str(q.shape, "f32")))
    b.read_float_bits(d, "f32", 32, q.shape, exp, label, desc,
                      inputs={"q": q.tolist()})


def case_requantize(b, label, q, qin, qout, exp):
    q = np.array(q)
    agree(label, exp, {m: R.requantize(q, qin, qout, m) for m in H.MODES})
    c = b.qconst(q, qin)
    r = b.fresh("r")
    desc = b.emit("%s = lowbit.requantize %s : %s -> %s" % (
        r, c, H.tensor_str(q.shape, H.qtype_str(qin)),
        H.tensor_str(q.shape, H.qtype_str(qout))))
    b.read_q(r, qout, q.shape, exp, label, desc, inputs={"q": q.tolist()})


def case_binary(b, op, label, x, y, qa, qb, qo, exp, act="none", cmin=None,
                cmax=None):
    x, y = np.array(x), np.array(y)
    fn = R.add if op == "add" else R.mul
    agree(label, exp, {m: fn(x, y, qa, qb, qo, m, act, cmin, cmax)
                       for m in H.MODES})
    ca, cb = b.qconst(x, qa), b.qconst(y, qb)
    r = b.fresh("r")
    shape = np.broadcast_shapes(x.shape, y.shape)
    desc = b.emit("%s = lowbit.%s %s, %s%s : %s, %s -> %s" % (
        r, op, ca, cb, H.act_str(act, cmin, cmax),
        H.tensor_str(x.shape, H.qtype_str(qa)),
        H.tensor_str(y.shape, H.qtype_str(qb)),
        H.tensor_str(shape, H.qtype_str(qo))))
    b.read_q(r, qo, shape, exp, label, desc,
             inputs={"lhs": x.ravel().tolist(), "rhs": y.ravel().tolist()})


def case_matmul(b, label, a, w, qa, qw, qo, exp, bias=None, act="none"):
    a, w = np.array(a), np.array(w)
    agree(label, exp, {m: R.matmul(a, w, qa, qw, qo, m, bias, act)
                       for m in H.MODES})
    ca, cw = b.qconst(a, qa), b.qconst(w, qw)
    types = [H.tensor_str(a.shape, H.qtype_str(qa)),
             H.tensor_str(w.shape, H.qtype_str(qw))]
    part = ""
    if bias is not None:
        cb, bt = b.bias_const(np.array(bias), qa, qw)
        part = " bias %s" % cb
        types.append(bt)
    r = b.fresh("r")
    shape = a.shape[:-1] + w.shape[-1:]
    desc = b.emit("%s = lowbit.matmul %s, %s%s%s : %s -> %s" % (
        r, ca, cw, part, H.act_str(act), ", ".join(types),
        H.tensor_str(shape, H.qtype_str(qo))))
    b.read_q(r, qo, shape, exp, label, desc)


def case_pool(b, op, label, x, qt, kernel, exp, strides=None, padding=None,
              cip=False):
    x = np.array(x)
    st = strides or kernel
    pd = padding or [0, 0, 0, 0]
    ref = R.max_pool2d(x, qt, kernel, st, pd) if op == "max" else \
        R.avg_pool2d(x, qt, kernel, st, pd, cip)
    agree(label, exp, modes(ref))
    c = b.qconst(x, qt)
    r = b.fresh("r")
    attrs = " kernel [%d, %d]" % tuple(kernel)
    if strides:
        attrs += " strides [%d, %d]" % tuple(strides)
    if padding:
        attrs += " padding [%d, %d, %d, %d]" % tuple(padding)
    if cip:
        attrs += " count_include_pad"
    t = H.qtype_str(qt)
    desc = b.emit("%s = lowbit.%s_pool2d %s%s : %s -> %s" % (
        r, op, c, attrs, H.tensor_str(x.shape, t), H.tensor_str(ref.shape, t)))
    b.read_q(r, qt, ref.shape, exp, label, desc,
             inputs={"input": x.ravel().tolist()})


def case_small_float(b, label, x, fmt, exp):
    x = np.array(x, dtype=np.float32)
    ref = [fmt.encode(v) for v in x]
    assert ref == exp, (label, [hex(v) for v in ref])
    xf = b.f32_const(x)
    q = b.fresh("q")
    desc = b.emit("%s = lowbit.quantize %s : %s -> %s" % (
        q, xf, H.tensor_str(x.shape, "f32"), H.tensor_str(x.shape, fmt.name)))
    b.read_float_bits(q, fmt.name, fmt.width, x.shape, exp, label, desc,
                      nan_format=fmt.name, inputs={"x": [float(v) for v in x]})


def case_small_float_widen(b, label, pats, fmt, exp):
    ref = [f32bits(fmt.decode(p)) for p in pats]
    assert ref == exp, (label, [hex(v) for v in ref])
    src = b.float_const_from_bits(np.array(pats), fmt.name, fmt.width)
    d = b.fresh("d")
    n = len(pats)
    desc = b.emit("%s = lowbit.dequantize %s : %s -> %s" % (
        d, src, H.tensor_str((n,), fmt.name), H.tensor_str((n,), "f32")))
    b.read_float_bits(d, "f32", 32, (n,), exp, label, desc,
                      inputs={"bits": list(pats)})


def generate(b, rng):
    # -- quantize -------------------------------------------------------
    # i8, scale 0.5: x / s = 0.5 1.5 -0.5 -1.5 2.5 -2.5 127.5 128 -128.5
    # -200 200 -128 127. Ties: away from zero (fixed) / to even (float).
    case_quantize(
        b, "quantize/i8/ties-and-saturation",
        [0.25, 0.75, -0.25, -0.75, 1.25, -1.25, 63.75, 64.0, -64.25, -100.0,
         100.0, -64.0, 63.5], Q("i8", 0.5, 0),
        modes([1, 2, -1, -2, 3, -3, 127, 127, -128, -128, 127, -128, 127],
              [0, 2, 0, -2, 2, -2, 127, 127, -128, -128, 127, -128, 127]))
    # u8, scale 1, zp 128: round(x) + 128 clamped to [0, 255].
    case_quantize(
        b, "quantize/u8/zero-point-128",
        [-128.5, -128.0, 127.0, 127.5, 0.5, -0.5, 1.5, -129.0],
        Q("u8", 1.0, 128),
        modes([0, 0, 255, 255, 129, 127, 130, 0],
              [0, 0, 255, 255, 128, 128, 130, 0]))
    # i4, scale 0.25, zp -3: x / s = 4.5 -4.5 1.5 -1.5 2.5 10 -5 -6.
    case_quantize(
        b, "quantize/i4/zp-3",
        [1.125, -1.125, 0.375, -0.375, 0.625, 2.5, -1.25, -1.5],
        Q("i4", 0.25, -3),
        modes([2, -8, -1, -5, 0, 7, -8, -8], [1, -7, -1, -5, -1, 7, -8, -8]))
    # Narrow i8 [-127, 127]: -128 is not a value.
    case_quantize(
        b, "quantize/i8-narrow/qmin", [-1000.0, -127.5, -126.5, 126.5, 1000.0],
        Q("i8n", 1.0, 0),
        modes([-127, -127, -127, 127, 127], [-127, -127, -126, 126, 127]))
    # Ternary i2 [-1, 1], scale 1: x = -0.5 ties to -1 (fixed) / 0 (float).
    case_quantize(
        b, "quantize/ternary", [-0.5, 0.5, -0.49, 0.51, 3.0, -3.0],
        Q("tern", 1.0, 0),
        modes([-1, 1, 0, 1, 1, -1], [0, 0, 0, 1, 1, -1]))

    # -- dequantize -----------------------------------------------------
    # i8, scale 0.5, zp -128: 0, 127.5, 64, 63.5; zp 10: -69.
    case_dequantize(
        b, "dequantize/i8/exact", [-128, 127, 0, -1], Q("i8", 0.5, -128),
        modes([0x00000000, 0x42FF0000, 0x42800000, 0x427E0000]))
    case_dequantize(
        b, "dequantize/i8/negative", [-128, 10, 11], Q("i8", 0.5, 10),
        modes([0xC28A0000, 0x00000000, 0x3F000000]))

    # -- requantize -----------------------------------------------------
    # M = 0.5: QuantizeMultiplier gives (2^30, 0): SRDHM alone, which rounds
    # ties toward +infinity (-2.5 -> -2, -1.5 -> -1, -0.5 -> 0).
    case_requantize(
        b, "requantize/i8/M=0.5", [-128, -5, -3, -1, 1, 3, 5, 127, 0, 2, -2],
        Q("i8", 1.0, 0), Q("i8", 2.0, 0),
        modes([-64, -2, -1, 0, 1, 2, 3, 64, 0, 1, -1],
              [-64, -2, -2, 0, 0, 2, 2, 64, 0, 1, -1]))
    # M = 0.25: (2^30, -1): SRDHM then RoundingDivideByPOT(., 1): double
    # rounding, e.g. 5 * 0.25 = 1.25 -> SRDHM 3 -> 2 (float mode: 1) and
    # -2 * 0.25 = -0.5 -> -1 (numerics.md's example; float mode: 0).
    case_requantize(
        b, "requantize/i8/M=0.25-double-rounding",
        [-2, 2, -6, -1, -3, 5, -5, 6, 10, -10, 127, -128],
        Q("i8", 1.0, 0), Q("i8", 4.0, 0),
        modes([-1, 1, -2, 0, -1, 2, -1, 2, 3, -3, 32, -32],
              [0, 0, -2, 0, -1, 1, -1, 2, 2, -2, 32, -32]))
    # int32 accumulator, scale 2^-10 -> i8 scale 2^-6, zp 5: M = 1/16.
    # Reals 0.5 -0.5 1.5 -1.5 127.5 128 -128.5 6250 -6250.
    case_requantize(
        b, "requantize/i32->i8/M=1/16",
        [8, -8, 24, -24, 2040, 2048, -2056, 100000, -100000],
        R.QType(32, True, 2.0 ** -10, 0), Q("i8", 2.0 ** -6, 5),
        modes([6, 4, 7, 3, 127, 127, -124, 127, -128],
              [5, 5, 7, 3, 127, 127, -123, 127, -128]))
    # Widening i4 -> i16 with M = 3: QuantizeMultiplier(3) = (3 * 2^29, 2),
    # a left shift by 2 then an exact SRDHM: 3 * q (-8 -> -24 ...), and the
    # zero point -32768 saturates the negative ones.
    case_requantize(
        b, "requantize/i4->i16/M=3", [-8, -1, 0, 7], Q("i4", 3.0, 0),
        Q("i16", 1.0, 0), modes([-24, -3, 0, 21]))
    case_requantize(
        b, "requantize/i4->i16/M=3/zp", [-8, -1, 0, 7], Q("i4", 3.0, 0),
        Q("i16", 1.0, -32768), modes([-32768, -32768, -32768, -32747]))

    # -- add ------------------------------------------------------------
    # All scales 1, zero points 0: exact saturating integer sum.
    i8_1 = Q("i8", 1.0, 0)
    case_binary(
        b, "add", "add/i8/saturate", [100, 100, -100, -100, 0, 5],
        [27, 28, -28, -29, 0, -7], i8_1, i8_1, i8_1,
        modes([127, 127, -128, -128, 0, -2]))
    case_binary(
        b, "add", "add/i8/relu", [100, 100, -100, -100, 0, 5],
        [27, 28, -28, -29, 0, -7], i8_1, i8_1, i8_1,
        modes([127, 127, 0, 0, 0, 0]), act="relu")
    # relu6 with output scale 1: upper bound 0 + round(6 / 1) = 6.
    case_binary(
        b, "add", "add/i8/relu6", [100, 1, -100, 3, 0, 5],
        [27, 4, -28, 3, 0, -7], i8_1, i8_1, i8_1,
        modes([6, 5, 0, 6, 0, 0]), act="relu6")
    # Output scale 2: (x + y) / 2, ties away from zero (fixed: the final
    # RoundingDivideByPOT) or to even (float).
    case_binary(
        b, "add", "add/i8/ties", [1, -1, 2, -2, 1, -1, 3],
        [2, -2, 3, -3, 0, 0, 4], i8_1, i8_1, Q("i8", 2.0, 0),
        modes([2, -2, 3, -3, 1, -1, 4], [2, -2, 2, -2, 0, 0, 4]))
    # Broadcast a scalar-like 1-element tensor; zero point -10, scale 0.5:
    # x + 0 is the identity, then relu6: [max(-128, -10), -10 + 12].
    case_binary(
        b, "add", "add/i8/relu6-bounds", [[-128, -20, -10, -9, 2, 3, 127]],
        [0], Q("i8", 0.5, -10), Q("i8", 0.5, 0), Q("i8", 0.5, -10),
        modes([[-10, -10, -10, -9, 2, 2, 2]]), act="relu6")
    # clamp(-1, 1.25), output scale 0.5: bounds round(-2) = -2 and
    # round(2.5) = 3 (half away from zero, as TFLite).
    case_binary(
        b, "add", "add/i8/clamp", [-5, -3, -2, -1, 0, 2, 3, 4, 100], [0],
        Q("i8", 0.5, 0), Q("i8", 0.5, 0), Q("i8", 0.5, 0),
        modes([-2, -2, -2, -1, 0, 2, 3, 3, 3]), act="clamp", cmin=-1.0,
        cmax=1.25)
    # u4 + u4 at the storage bounds.
    u4 = Q("u4", 1.0, 8)
    case_binary(
        b, "add", "add/u4/bounds", [0, 15, 8, 0, 15], [0, 15, 8, 8, 8],
        u4, u4, u4, modes([0, 15, 8, 0, 15]))

    # -- mul ------------------------------------------------------------
    case_binary(
        b, "mul", "mul/i8/saturate", [12, -12, 3, 127, -128],
        [11, 11, -4, 127, -128], i8_1, i8_1, i8_1,
        modes([127, -128, -12, 127, 127]))
    # Output scale 2: M = 0.5 = (2^30, 0): SRDHM rounds ties toward +inf.
    case_binary(
        b, "mul", "mul/i8/ties", [3, -3, -1, 1, 5, -5, 7], [1], i8_1, i8_1,
        Q("i8", 2.0, 0),
        modes([2, -1, 0, 1, 3, -2, 4], [2, -2, 0, 0, 2, -2, 4]))

    # -- matmul ---------------------------------------------------------
    # acc = a0 + a1 = 6 10 -10 -6 5 254, output scale 4: M = 0.25.
    case_matmul(
        b, "matmul/i8/ties-and-double-rounding",
        [[3, 3], [5, 5], [-5, -5], [-3, -3], [2, 3], [127, 127]], [[1], [1]],
        i8_1, i8_1, Q("i8", 4.0, 0),
        modes([[2], [3], [-3], [-2], [2], [64]],
              [[2], [2], [-2], [-2], [1], [64]]))
    # u8 lhs (zp 128), per-channel i8 weights, bias: acc = [4 + 2, -6 - 1],
    # M = [0.5, 1.0], output zp 10: [13, 3]; relu clamps to zp: [13, 10].
    qa = Q("u8", 0.5, 128)
    qw = R.QType(8, True, [0.25, 0.5], [0, 0], axis=1)
    case_matmul(
        b, "matmul/u8xi8-per-channel/bias", [[128, 130, 126]],
        [[1, 1], [3, -1], [1, 2]], qa, qw, Q("i8", 0.25, 10),
        modes([[13, 3]]), bias=[2, -1])
    case_matmul(
        b, "matmul/u8xi8-per-channel/bias-relu", [[128, 130, 126]],
        [[1, 1], [3, -1], [1, 2]], qa, qw, Q("i8", 0.25, 10),
        modes([[13, 10]]), bias=[2, -1], act="relu")

    # -- pooling --------------------------------------------------------
    i8 = Q("i8", 0.1, 0)
    # Pairs: 3/2 -> 2, -3/2 -> -2, 1/2 -> 1, -1/2 -> -1.
    case_pool(b, "avg", "avg_pool2d/i8/round-half-away",
              np.array([1, 2, -1, -2, 0, 1, -1, 0]).reshape(1, 1, 8, 1), i8,
              (1, 2), modes(np.array([2, -2, 1, -1]).reshape(1, 1, 4, 1)))
    # Triples: 2/3 -> 1, -2/3 -> -1, 1/3 -> 0.
    case_pool(b, "avg", "avg_pool2d/i8/thirds",
              np.array([1, 1, 0, -1, -1, 0, 1, 0, 0]).reshape(1, 1, 9, 1), i8,
              (1, 3), modes(np.array([1, -1, 0]).reshape(1, 1, 3, 1)))
    # One real tap and one padding tap: divisor 1 (5), or 2 with
    # count_include_pad and the padding holding zp: (5 + 3 + 1) / 2 = 4.
    x1 = np.array([5]).reshape(1, 1, 1, 1)
    case_pool(b, "avg", "avg_pool2d/i8/pad-excluded", x1, Q("i8", 0.1, 3),
              (1, 2), modes(x1), padding=[0, 0, 1, 0])
    case_pool(b, "avg", "avg_pool2d/i8/count_include_pad", x1,
              Q("i8", 0.1, 3), (1, 2), modes(np.array([4]).reshape(1, 1, 1, 1)),
              padding=[0, 0, 1, 0], cip=True)
    case_pool(b, "avg", "avg_pool2d/u8/max",
              np.array([255, 255, 255, 254]).reshape(1, 1, 4, 1),
              Q("u8", 0.1, 0), (1, 4),
              modes(np.array([255]).reshape(1, 1, 1, 1)))
    # Max pool: padding never wins, even with zp above every value.
    case_pool(b, "max", "max_pool2d/i8/padding-never-wins",
              np.array([-100, -120]).reshape(1, 1, 2, 1), Q("i8", 0.1, 50),
              (1, 3), modes(np.array([-100, -100]).reshape(1, 1, 2, 1)),
              strides=[1, 1], padding=[0, 0, 1, 1])
    case_pool(b, "max", "max_pool2d/i8/qmin",
              np.array([-128]).reshape(1, 1, 1, 1), Q("i8", 0.1, 0), (2, 2),
              modes(np.array([-128]).reshape(1, 1, 1, 1)),
              padding=[1, 0, 1, 0])

    # -- small floats ---------------------------------------------------
    # E4M3FN: 464 is the tie between 448 (even) and 480 (NaN encoding):
    # 448; larger values saturate to 448; 2^-10 ties to 0, 3 * 2^-10 to
    # 2 * 2^-9.
    case_small_float(
        b, "quantize/f8E4M3FN/edges",
        [1.0, 448.0, 464.0, 465.0, 1e9, -1e9, 2.0 ** -9, 2.0 ** -10,
         3 * 2.0 ** -10, -0.0, 0.0], R.F8E4M3FN,
        [0x38, 0x7E, 0x7E, 0x7E, 0x7E, 0xFE, 0x01, 0x00, 0x02, 0x80, 0x00])
    # E5M2: max 57344; 61440 is the tie with 65536 (even): overflow to inf.
    case_small_float(
        b, "quantize/f8E5M2/edges",
        [1.0, 57344.0, 61439.0, 61440.0, float("-inf"), 2.0 ** -16],
        R.F8E5M2, [0x3C, 0x7B, 0x7B, 0x7C, 0xFC, 0x01])
    # bf16: 1 + 2^-8 ties to 1.0 (even); 1 + 3 * 2^-8 ties to 1 + 2^-6.
    case_small_float(
        b, "quantize/bf16/ties",
        [1.0, 1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, -2.0], R.BF16,
        [0x3F80, 0x3F80, 0x3F82, 0xC000])
    # f16: 65520 is the overflow tie (to inf); 1 + 2^-11 ties to 1.0.
    case_small_float(
        b, "quantize/f16/ties",
        [65504.0, 65520.0, 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11], R.F16,
        [0x7BFF, 0x7C00, 0x3C00, 0x3C02])
    case_small_float_widen(
        b, "dequantize/f8E4M3FN/edges", [0x7E, 0x01, 0xB8], R.F8E4M3FN,
        [0x43E00000, 0x3B000000, 0xBF800000])
    case_small_float_widen(
        b, "dequantize/f8E5M2/edges", [0x7C, 0x01, 0xFB], R.F8E5M2,
        [0x7F800000, 0x37800000, 0xC7600000])


if __name__ == "__main__":
    H.main(generate, seed=1010, description=__doc__)
