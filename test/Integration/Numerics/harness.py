"""MLIR generation and result checking for the lowbit numerics tests.

A test script builds many cases into ONE module (one `main`), each case
printing one result with printMemrefI32, and records the expected values of
every printed result for both requantization modes. Usage from a RUN line:

    %python %s --emit %t            writes %t.mlir and %t.json
    lowbit-opt --lowbit-to-llvm %t.mlir | mlir-runner ... > %t.fixed.out
    %python %s --check %t --mode fixed     compares %t.fixed.out

`--selftest MODE` (manual use only) emits the expected values as constants
instead of the lowbit ops, so the printing/parsing/comparison path can be
exercised with upstream passes alone.

This is a helper module for the lit tests in this folder, not a test itself.
"""

import argparse
import json
import re
import sys

import numpy as np

import lowbit_ref as R

MODES = ("fixed", "float")

# --------------------------------------------------------------------------
# Type and literal formatting
# --------------------------------------------------------------------------


def fmt_scale(s):
    # Always with a '.', full double precision: the IR holds doubles.
    return "%.17e" % float(s)


def storage_str(qt):
    s = "%s%d" % ("i" if qt.signed else "u", qt.bits)
    if qt.narrow is not None:
        s += "<%d:%d>" % qt.narrow
    return s


def qtype_str(qt):
    st = storage_str(qt)
    if qt.per_axis:
        body = ", ".join("%s:%d" % (fmt_scale(s), z)
                         for s, z in zip(qt.scales, qt.zps))
        return "!quant.uniform<%s:f32:%d, {%s}>" % (st, qt.axis, body)
    return "!quant.uniform<%s:f32, %s:%d>" % (st, fmt_scale(qt.scale), qt.zp)


def tensor_str(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elt])


def memref_str(shape, elt):
    return "memref<%s>" % "x".join([str(d) for d in shape] + [elt])


def dense_str(arr):
    arr = np.asarray(arr)

    def rec(a):
        if a.ndim == 0:
            return str(int(a))
        return "[" + ", ".join(rec(x) for x in a) + "]"
    return "dense<%s>" % rec(arr)


def value_int_type(qt):
    """Element type of the value attribute of a lowbit.constant."""
    if qt.bits == 32:
        return "i32"
    if qt.signed:
        return "i8" if qt.bits <= 8 else "i16"
    return "i16" if qt.bits < 16 else "i32"


def act_str(act, cmin=None, cmax=None):
    if act == "none":
        return ""
    if act == "clamp":
        return " act(clamp, %s, %s)" % (fmt_scale(cmin), fmt_scale(cmax))
    return " act(%s)" % act


# --------------------------------------------------------------------------
# Module builder
# --------------------------------------------------------------------------


class Builder:
    def __init__(self, selftest=None):
        self.body = []
        self.outputs = []
        self.counter = 0
        self.selftest = selftest       # None or a mode name
        self.case = None

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def emit(self, line):
        if self.selftest is None:
            self.body.append("    " + line)
        return line

    def emit_always(self, line):
        self.body.append("    " + line)

    def comment(self, text):
        self.body.append("    // " + text)

    # ---- constants -------------------------------------------------------

    def qconst(self, values, qt):
        values = np.asarray(values, dtype=np.int64)
        assert values.min() >= qt.qmin and values.max() <= qt.qmax, qt
        name = self.fresh("c")
        vt = tensor_str(values.shape, value_int_type(qt))
        self.emit("%s = lowbit.constant %s : %s as %s" % (
            name, dense_str(values), vt, tensor_str(values.shape, qtype_str(qt))))
        return name

    def bias_const(self, values, qa, qw):
        """An i32 bias with scale scale(lhs) * scale(rhs) (per channel when
        the weights are)."""
        values = np.asarray(values, dtype=np.int64)
        if qw.per_axis:
            scales = [qa.scale * s for s in qw.scales]
            bt = R.QType(32, True, scales, 0, axis=0)
        else:
            bt = R.QType(32, True, qa.scale * qw.scale, 0)
        name = self.fresh("b")
        self.emit("%s = lowbit.constant %s : %s as %s" % (
            name, dense_str(values), tensor_str(values.shape, "i32"),
            tensor_str(values.shape, qtype_str(bt))))
        return name, tensor_str(values.shape, qtype_str(bt))

    def f32_const(self, values):
        """A float32 tensor built bit-exactly from its bit patterns."""
        values = np.asarray(values, dtype=np.float32)
        bits = values.view(np.int32)
        return self.float_const_from_bits(bits, "f32", 32)

    def float_const_from_bits(self, bits, elt, width):
        bits = np.asarray(bits, dtype=np.int64)
        ity = "i%d" % width
        # Signed two's complement literal of the given width.
        half = 1 << (width - 1)
        sbits = np.where(bits >= half, bits - (1 << width), bits)
        ci = self.fresh("c")
        self.emit("%s = arith.constant %s : %s" % (
            ci, dense_str(sbits), tensor_str(bits.shape, ity)))
        cf = self.fresh("f")
        self.emit("%s = arith.bitcast %s : %s to %s" % (
            cf, ci, tensor_str(bits.shape, ity), tensor_str(bits.shape, elt)))
        return cf

    # ---- printing results ------------------------------------------------

    def _print_i32(self, name, shape):
        m = self.fresh("m")
        u = self.fresh("u")
        self.emit_always("%s = bufferization.to_buffer %s : %s to %s" % (
            m, name, tensor_str(shape, "i32"), memref_str(shape, "i32")))
        self.emit_always("%s = memref.cast %s : %s to memref<*xi32>" % (
            u, m, memref_str(shape, "i32")))
        self.emit_always("call @printMemrefI32(%s) : (memref<*xi32>) -> ()" % u)

    def _selftest_const(self, expected, shape, nan_format=None):
        nan = R.FORMATS[nan_format].nan_bits() if nan_format else 0
        exp = np.array([nan if v is None else int(v)
                        for v in expected[self.selftest]],
                       dtype=np.int64).reshape(shape)
        exp = np.where(exp >= (1 << 31), exp - (1 << 32), exp)
        c = self.fresh("e")
        self.emit_always("%s = arith.constant %s : %s" % (
            c, dense_str(exp), tensor_str(shape, "i32")))
        return c

    def _record(self, label, desc, shape, expected, nan_format=None,
                inputs=None):
        rec = {"label": label, "desc": desc, "shape": list(shape),
               "expected": {}, "nan_format": nan_format,
               "inputs": inputs or {}}
        for mode, vals in expected.items():
            assert len(vals) == int(np.prod(shape)), (label, len(vals), shape)
            rec["expected"][mode] = vals
        self.outputs.append(rec)

    def read_q(self, name, qt, shape, expected, label, desc="", inputs=None):
        """Print a quantized result's stored values. expected: mode -> array
        (or a single array used for every mode)."""
        expected = _per_mode(expected)
        shape = tuple(shape)
        self._record(label, desc, shape, expected, inputs=inputs)
        self.outputs[-1]["range"] = [qt.qmin, qt.qmax]
        if self.selftest is not None:
            self._print_i32(self._selftest_const(expected, shape), shape)
            return
        st = "i%d" % qt.bits
        s = self.fresh("s")
        self.emit("%s = quant.scast %s : %s to %s" % (
            s, name, tensor_str(shape, qtype_str(qt)), tensor_str(shape, st)))
        if qt.bits < 32:
            e = self.fresh("w")
            ext = "arith.extsi" if qt.signed else "arith.extui"
            self.emit("%s = %s %s : %s to %s" % (
                e, ext, s, tensor_str(shape, st), tensor_str(shape, "i32")))
            s = e
        self._print_i32(s, shape)

    def read_float_bits(self, name, elt, width, shape, expected, label,
                        desc="", nan_format=None, inputs=None):
        """Print the bit patterns of a float tensor (zero extended)."""
        expected = _per_mode(expected)
        if width == 32:
            # printMemrefI32 prints signed values.
            expected = {m: [None if v is None else
                            (v - (1 << 32) if v >= (1 << 31) else v)
                            for v in vals]
                        for m, vals in expected.items()}
        shape = tuple(shape)
        self._record(label, desc, shape, expected, nan_format=nan_format,
                     inputs=inputs)
        if self.selftest is not None:
            self._print_i32(self._selftest_const(expected, shape, nan_format),
                            shape)
            return
        ity = "i%d" % width
        b = self.fresh("i")
        self.emit("%s = arith.bitcast %s : %s to %s" % (
            b, name, tensor_str(shape, elt), tensor_str(shape, ity)))
        if width < 32:
            e = self.fresh("w")
            self.emit("%s = arith.extui %s : %s to %s" % (
                e, b, tensor_str(shape, ity), tensor_str(shape, "i32")))
            b = e
        self._print_i32(b, shape)

    def module(self):
        lines = [
            "// Generated by a lowbit numerics test; do not edit.",
            "func.func private @printMemrefI32(memref<*xi32>) "
            "attributes {llvm.emit_c_interface}",
            "",
            "func.func @main() {",
        ]
        lines += self.body
        lines += ["    return", "}", ""]
        return "\n".join(lines)


def _flat(vals):
    return [None if v is None else int(v)
            for v in np.asarray(vals, dtype=object).ravel()]


def _per_mode(expected):
    """mode -> flat list of ints (None: any NaN)."""
    if isinstance(expected, dict):
        assert set(expected) == set(MODES), expected.keys()
        return {m: _flat(v) for m, v in expected.items()}
    flat = _flat(expected)
    return {m: list(flat) for m in MODES}


# --------------------------------------------------------------------------
# Parsing the runner output
# --------------------------------------------------------------------------

_HEADER = re.compile(
    r"Unranked Memref base@ = \S+ rank = (\d+) offset = -?\d+ "
    r"sizes = \[([^\]]*)\] strides = \[[^\]]*\] data =")
_INT = re.compile(r"-?\d+")


def parse_runner_output(text):
    """A list of (shape, flat values) for each printed memref."""
    heads = list(_HEADER.finditer(text))
    result = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        data = text[h.end():end]
        sizes = [int(x) for x in _INT.findall(h.group(2))]
        vals = [int(x) for x in _INT.findall(data)]
        result.append((sizes, vals))
    return result


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def _short(vals, limit=64):
    vals = list(vals)
    if len(vals) <= limit:
        return str(vals)
    return str(vals[:limit])[:-1] + ", ... (%d values)]" % len(vals)


def check(prefix, mode):
    with open(prefix + ".json") as f:
        outputs = json.load(f)["outputs"]
    out_path = "%s.%s.out" % (prefix, mode)
    with open(out_path) as f:
        text = f.read()
    got = parse_runner_output(text)
    failures = 0
    if len(got) != len(outputs):
        print("error: expected %d printed results, the runner printed %d "
              "(%s)" % (len(outputs), len(got), out_path))
        failures += 1
    for rec, (shape, vals) in zip(outputs, got):
        exp = rec["expected"][mode]
        bad = []
        if shape != rec["shape"] or len(vals) != len(exp):
            bad = ["shape"]
        else:
            fmt = R.FORMATS.get(rec["nan_format"]) if rec["nan_format"] else None
            for i, (e, g) in enumerate(zip(exp, vals)):
                if e is None:
                    if fmt is None or not fmt.is_nan(g & ((1 << fmt.width) - 1)):
                        bad.append(i)
                elif e != g:
                    bad.append(i)
        if bad:
            failures += 1
            if failures <= 10:
                print("MISMATCH [%s] case %s" % (mode, rec["label"]))
                print("  op:       %s" % rec["desc"])
                for k, v in rec["inputs"].items():
                    print("  %-9s %s" % (k + ":", _short(v, 128)))
                print("  shape:    expected %s, got %s" % (rec["shape"], shape))
                print("  expected: %s" % _short(exp, 128))
                print("  got:      %s" % _short(vals, 128))
                if bad != ["shape"]:
                    print("  differ at flat indices %s" % _short(bad, 32))
                    for i in bad[:8]:
                        at = ", ".join(
                            "%s=%s" % (k, v[i]) for k, v in rec["inputs"].items()
                            if len(v) == len(exp))
                        print("    [%d] expected %s got %s%s" % (
                            i, exp[i], vals[i], "  (%s)" % at if at else ""))
    if failures:
        print("%d of %d cases FAILED (mode %s)" % (failures, len(outputs), mode))
        return 1
    print("%d cases passed (mode %s)" % (len(outputs), mode))
    return 0


def main(generate, seed, description=""):
    """generate(builder, rng) adds the cases of a test file."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--emit", metavar="PREFIX")
    p.add_argument("--check", metavar="PREFIX")
    p.add_argument("--mode", choices=MODES)
    p.add_argument("--selftest", choices=MODES,
                   help="emit expected values instead of lowbit ops")
    p.add_argument("--perturb", action="store_true",
                   help="with --selftest: corrupt one value (must fail)")
    args = p.parse_args()
    if args.check:
        if not args.mode:
            p.error("--check needs --mode")
        sys.exit(check(args.check, args.mode))
    if not args.emit:
        p.error("need --emit or --check")
    b = Builder(selftest=args.selftest)
    rng = np.random.default_rng(seed)
    generate(b, rng)
    if args.selftest and args.perturb:
        rec = b.outputs[len(b.outputs) // 2]
        for m in MODES:
            rec["expected"][m][0] = (rec["expected"][m][0] or 0) + 1
    with open(args.emit + ".mlir", "w") as f:
        f.write(b.module())
    with open(args.emit + ".json", "w") as f:
        f.write(json.dumps({"outputs": b.outputs}))
    sys.exit(0)


# --------------------------------------------------------------------------
# Random case helpers shared by the test scripts
# --------------------------------------------------------------------------

# (bits, signed, narrow) storage kinds.
STORAGE = {
    "i8": (8, True, None),
    "u8": (8, False, None),
    "i4": (4, True, None),
    "u4": (4, False, None),
    "i2": (2, True, None),
    "i16": (16, True, None),
    "i8n": (8, True, (-127, 127)),
    "i4n": (4, True, (-7, 7)),
    "tern": (2, True, (-1, 1)),
    # Odd widths (the verifier accepts 2 to 16 bits).
    "i3": (3, True, None),
    "u3": (3, False, None),
    "i5": (5, True, None),
    "u6": (6, False, None),
    "i7": (7, True, None),
    "i12": (12, True, None),
    "u12": (12, False, None),
    "u16": (16, False, None),
}


def storage_type(kind, scale=1.0, zp=0):
    bits, signed, narrow = STORAGE[kind]
    return R.QType(bits, signed, scale, zp, narrow=narrow)


def rand_scale(rng, lo=1e-3, hi=1.0):
    """Log-uniform double scale (not float32 representable, on purpose)."""
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def rand_qtype(rng, kind, scale=None, zp=None, symmetric=False, axis=None,
               channels=None):
    bits, signed, narrow = STORAGE[kind]
    base = storage_type(kind)
    qmin, qmax = base.qmin, base.qmax

    def one_zp():
        if symmetric:
            return 0 if signed else (qmin + qmax + 1) // 2
        return int(rng.integers(qmin, qmax + 1))
    if axis is None:
        s = scale if scale is not None else rand_scale(rng)
        z = zp if zp is not None else one_zp()
        return R.QType(bits, signed, s, z, narrow=narrow)
    scales = [rand_scale(rng) for _ in range(channels)]
    zps = [one_zp() if zp is None else zp for _ in range(channels)]
    return R.QType(bits, signed, scales, zps, axis=axis, narrow=narrow)


def rand_values(rng, qt, shape):
    return rng.integers(qt.qmin, qt.qmax + 1, size=shape, dtype=np.int64)


def rand_act(rng, qo, acts=("none", "relu", "relu6", "clamp")):
    """An activation and (for clamp) real bounds inside the output range."""
    act = acts[int(rng.integers(len(acts)))]
    if act != "clamp":
        return act, None, None
    s = qo.scale
    rmin = (qo.qmin - qo.zp) * s
    rmax = (qo.qmax - qo.zp) * s
    a, b = sorted(rng.uniform(rmin, rmax, size=2))
    # A few digits only, as a model would write them.
    return act, float("%.4g" % a), float("%.4g" % b)


def try_cases(fn, rng, tries=50):
    """Call fn(rng) until it does not raise R.Undefined."""
    for _ in range(tries):
        try:
            return fn(rng)
        except R.Undefined:
            continue
    raise RuntimeError("could not draw a well-defined case")


def rand_shape(rng, min_rank=1, max_rank=3, max_dim=9):
    rank = int(rng.integers(min_rank, max_rank + 1))
    return tuple(int(d) for d in rng.integers(1, max_dim + 1, size=rank))


def pow2_scale(rng, lo=-10, hi=0):
    """A power-of-two scale: products and quotients become exact, so
    rounding ties really are ties."""
    return 2.0 ** int(rng.integers(lo, hi + 1))


def rand_broadcast_shapes(rng, max_rank=4, max_dim=6):
    """Two numpy-broadcastable shapes and their broadcast shape."""
    out = rand_shape(rng, 1, max_rank, max_dim)

    def operand():
        drop = int(rng.integers(0, len(out))) if rng.random() < 0.3 else 0
        dims = list(out[drop:])
        for i in range(len(dims)):
            if rng.random() < 0.25:
                dims[i] = 1
        return tuple(dims)
    a, b = operand(), operand()
    return a, b, tuple(np.broadcast_shapes(a, b))

