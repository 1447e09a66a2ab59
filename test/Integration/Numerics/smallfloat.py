# Small floats: lowbit.quantize f32 (and f16/bf16) -> f16, bf16, f8E4M3FN,
# f8E5M2 (round to nearest even; f8E4M3FN saturates to +-448, the others
# overflow to infinity) and lowbit.dequantize back (exact widening), checked
# on bit patterns against a bit-level reference: every 8-bit and 16-bit
# pattern, every rounding tie and its neighbours, overflow and underflow
# boundaries, signed zeros, infinities and NaNs.
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

SMALL = [R.F16, R.BF16, R.F8E4M3FN, R.F8E5M2]


def f32_of(v):
    return np.float32(v)


def finite_values(fmt, rng):
    """Finite values of fmt (all of them for 8-bit formats, a sample for
    16-bit ones), as exact floats, sorted, non-negative."""
    if fmt.width == 8:
        pats = range(1 << (fmt.width - 1))
    else:
        pats = sorted(set(int(p) for p in rng.integers(
            0, 1 << (fmt.width - 1), size=700)) |
            {0, 1, 2, 3, (1 << fmt.mbits) - 1, 1 << fmt.mbits,
             (1 << fmt.mbits) + 1, fmt.max_finite_bits - 1,
             fmt.max_finite_bits})
    vals = []
    for p in pats:
        v = fmt.decode(p)
        if np.isfinite(v):
            vals.append(v)
    return sorted(set(vals))


def quantize_inputs(fmt, rng):
    """float32 inputs exercising every rounding decision of fmt."""
    vals = finite_values(fmt, rng)
    xs = []
    allv = sorted(set(vals + [fmt.decode(p + 1) for p in
                              [fmt.encode(v) for v in vals]
                              if np.isfinite(fmt.decode(p + 1))]))
    for v in allv:
        xs.append(v)
    # Half-way points between neighbours (exact ties) and their float32
    # neighbours; vals is complete for 8-bit formats and a sample else.
    for v in vals:
        p = fmt.encode(v)
        nxt = fmt.decode(p + 1)
        if not np.isfinite(nxt):
            continue
        mid = f32_of((v + nxt) / 2)
        assert float(mid) == (v + nxt) / 2
        xs += [mid, np.nextafter(mid, np.float32(np.inf)),
               np.nextafter(mid, np.float32(0))]
    # Overflow boundary: max finite, the tie with the next power, above.
    mx = float(fmt.max_finite)
    ulp = mx - fmt.decode(fmt.max_finite_bits - 1)
    for v in [mx, mx + ulp / 2, mx + ulp / 4, mx + ulp, mx * 2, 3.0e38,
              float(np.finfo(np.float32).max)]:
        f = f32_of(v)
        xs += [f, np.nextafter(f, np.float32(0)),
               np.nextafter(f, np.float32(np.inf))]
    # Underflow: around half the smallest subnormal.
    tiny = fmt.decode(1)
    for v in [tiny / 2, tiny / 4, tiny * 1.5, tiny * 2.5, 1e-45, 1e-40]:
        f = f32_of(v)
        xs += [f, np.nextafter(f, np.float32(0)),
               np.nextafter(f, np.float32(np.inf))]
    # Random float32 values across the format's exponent range.
    lo, hi = np.log2(tiny) - 2, np.log2(mx) + 1
    xs += [f32_of(2.0 ** rng.uniform(lo, hi) * rng.uniform(1, 2))
           for _ in range(300)]
    xs = [f32_of(v) for v in xs if np.isfinite(f32_of(v))]
    xs = xs + [-v for v in xs]
    xs = np.array(xs, dtype=np.float32)
    return xs[rng.permutation(len(xs))]


def emit_quantize(b, x, fmt, label, in_elt="f32", in_fmt=None):
    """x: float32 values (or bit patterns of in_fmt when in_fmt is given)."""
    n = len(x)
    if in_fmt is None:
        src = b.f32_const(x)
        vals = [float(v) for v in x]
        inputs = {"x": vals}
    else:
        src = b.float_const_from_bits(np.asarray(x), in_elt, in_fmt.width)
        vals = [in_fmt.decode(int(p)) for p in x]
        inputs = {"bits": [int(p) for p in x]}
    exp = [fmt.encode(v) for v in vals]
    q = b.fresh("q")
    desc = b.emit("%s = lowbit.quantize %s : %s -> %s" % (
        q, src, H.tensor_str((n,), in_elt), H.tensor_str((n,), fmt.name)))
    b.read_float_bits(q, fmt.name, fmt.width, (n,), exp, label, desc,
                      nan_format=fmt.name, inputs=inputs)


def emit_dequantize(b, pats, fmt, out_fmt, label):
    n = len(pats)
    src = b.float_const_from_bits(np.asarray(pats), fmt.name, fmt.width)
    exp = []
    for p in pats:
        v = fmt.decode(int(p))
        if np.isnan(v):
            exp.append(None)
        elif out_fmt is R.F32:
            exp.append(R.f32_bits(np.float32(v)))
        else:
            e = out_fmt.encode(v)
            assert out_fmt.decode(e) == v or np.isinf(v)   # exact widening
            exp.append(e)
    d = b.fresh("d")
    desc = b.emit("%s = lowbit.dequantize %s : %s -> %s" % (
        d, src, H.tensor_str((n,), fmt.name),
        H.tensor_str((n,), out_fmt.name)))
    b.read_float_bits(d, out_fmt.name, out_fmt.width, (n,), exp, label, desc,
                      nan_format=out_fmt.name,
                      inputs={"bits": [int(p) for p in pats]})


def generate(b, rng):
    np.seterr(over="ignore")       # float32 overflow to inf is intended
    nan_bits = [0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFF800123]
    nans = np.array(nan_bits, dtype=np.uint32).view(np.float32)
    infs = np.array([np.inf, -np.inf], dtype=np.float32)
    for fmt in SMALL:
        emit_quantize(b, quantize_inputs(fmt, rng), fmt,
                      "quantize/f32->%s/finite" % fmt.name)
        emit_quantize(b, infs, fmt, "quantize/f32->%s/inf%s" % (
            fmt.name, " (saturates to +-448)" if fmt.saturate else ""))
        emit_quantize(b, nans, fmt, "quantize/f32->%s/nan" % fmt.name)

    # From 16-bit floats to FP8, every finite pattern.
    for src in (R.F16, R.BF16):
        pats = [p for p in range(1 << 16) if np.isfinite(src.decode(p))]
        for fmt in (R.F8E4M3FN, R.F8E5M2):
            emit_quantize(b, pats, fmt, "quantize/%s->%s/all" % (
                src.name, fmt.name), in_elt=src.name, in_fmt=src)

    # Dequantize: every pattern, to f32 and to wider small floats.
    for fmt in SMALL:
        emit_dequantize(b, list(range(1 << fmt.width)), fmt, R.F32,
                        "dequantize/%s->f32/all" % fmt.name)
    for fmt in (R.F8E4M3FN, R.F8E5M2):
        for out in (R.F16, R.BF16):
            emit_dequantize(b, list(range(256)), fmt, out,
                            "dequantize/%s->%s/all" % (fmt.name, out.name))


if __name__ == "__main__":
    H.main(generate, seed=1009, description=__doc__)
