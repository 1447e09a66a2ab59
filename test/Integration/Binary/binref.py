"""Helpers for the binary/ternary execution tests in this folder.

Not a test itself (excluded in lit.local.cfg). A test script builds many
cases into ONE module with one `main`; every case prints one result with
printMemrefI32 (float results as their bit patterns, so the comparison is
bit for bit) or printMemrefI64, and records the values expected from a numpy
reference computed on UNPACKED values (plain integer arithmetic on -1/+1 and
-1/0/+1, numerics.md sections 6-8).

Usage from RUN lines (see the scripts):

    %python %s --emit %t                      writes %t.mlir and %t.json
    lowbit-opt --lowbit-to-llvm %t.mlir | mlir-runner ... > %t.out
    %python %s --check %t --out %t.out [--mode fixed|float]
    %python %s --check %t --same %t.a.out %t.b.out
                                              two runs print the same
    %python %s --extra NAME %t FILE           a script's own check of FILE
    %python %s --emit %t --seed N             another draw (manual stress)

Independent of test/Integration/Numerics on purpose (that harness may
change); some ideas are borrowed from it.
"""

import argparse
import json
import math
import re
import struct
import sys

import numpy as np

MODES = ("fixed", "float")
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1

# --------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------


def f32(x):
    return np.float32(x)


def f32_bits(x):
    """Signed int32 bit pattern of a float32 value."""
    return struct.unpack("<i", struct.pack("<f", float(np.float32(x))))[0]


def bits_f32(b):
    return struct.unpack("<f", struct.pack("<i", int(b)))[0]


def flit(x):
    """An exact literal of a float32 value: the shortest double repr of the
    exact value (parses back to the same float32), hex for inf and NaN."""
    v = float(np.float32(x))
    if math.isnan(v):
        return "0x7FC00000"
    if math.isinf(v):
        return "0x7F800000" if v > 0 else "0xFF800000"
    r = repr(v)
    if "e" not in r and "." not in r:
        r += ".0"
    return r


def round_half_away(x):
    """x is a Python float or Fraction-free exact double."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def round_half_even_f32(x):
    return int(np.rint(np.float32(x)))


# --------------------------------------------------------------------------
# TFLite fixed point (numerics.md section 2A), written from the spec.
# --------------------------------------------------------------------------


def quantize_multiplier(m):
    m = float(m)
    if m == 0.0:
        return 0, 0
    frac, e = math.frexp(m)
    m0 = round_half_away(frac * float(1 << 31))
    if m0 == (1 << 31):
        m0 = 1 << 30
        e += 1
    if e < -31:
        m0, e = 0, 0
    return m0, e


def _c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def srdhm(a, b):
    assert INT32_MIN <= a <= INT32_MAX and INT32_MIN <= b <= INT32_MAX
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    p = a * b
    nudge = (1 << 30) if p >= 0 else 1 - (1 << 30)
    return _c_div(p + nudge, 1 << 31)


def rdbpot(x, n):
    mask = (1 << n) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> n) + (1 if rem > thr else 0)


def mbqm(x, m0, e):
    left, right = max(e, 0), max(-e, 0)
    return rdbpot(srdhm(x * (1 << left), m0), right)


# --------------------------------------------------------------------------
# Element types
# --------------------------------------------------------------------------


class Elt:
    """A lowbit element type: 'bin', 'tern', 'int' (affine iN) or 'f32'."""

    def __init__(self, kind, scales=(1.0,), axis=None, zp=0, bits=8,
                 signed=True):
        self.kind = kind
        self.scales = [float(np.float32(s)) for s in scales]
        self.axis = axis
        self.zp = zp
        self.bits = bits
        self.signed = signed

    @property
    def per_channel(self):
        return self.axis is not None

    def scale(self, c=0):
        return self.scales[c if self.per_channel else 0]

    @property
    def qmin(self):
        if self.kind == "bin" or self.kind == "tern":
            return -1
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def qmax(self):
        if self.kind == "bin" or self.kind == "tern":
            return 1
        return (1 << (self.bits - 1)) - 1 if self.signed else \
            (1 << self.bits) - 1

    def zp_of(self, c=0):
        """The zero point of channel c (zp may be one per channel)."""
        if isinstance(self.zp, (list, tuple)):
            return self.zp[c]
        return self.zp

    def _scales_str(self, with_zp):
        if self.per_channel:
            body = ", ".join(
                flit(s) + (":%d" % self.zp_of(c) if with_zp else "")
                for c, s in enumerate(self.scales))
            return "f32:%d, {%s}" % (self.axis, body)
        return "f32, %s%s" % (flit(self.scales[0]),
                              (":%d" % self.zp) if with_zp else "")

    def __str__(self):
        if self.kind == "f32":
            return "f32"
        if self.kind == "bin":
            if not self.per_channel and self.scales[0] == 1.0:
                return "!lowbit.binary"
            return "!lowbit.binary<%s>" % self._scales_str(False)
        if self.kind == "tern":
            return "!quant.uniform<i2<-1:1>:%s>" % self._scales_str(False)
        st = "%s%d" % ("i" if self.signed else "u", self.bits)
        return "!quant.uniform<%s:%s>" % (st, self._scales_str(True))

    def value_type(self):
        """Element type of a lowbit.constant value attribute."""
        if self.kind in ("bin", "tern"):
            return "i8"
        if self.bits <= 8:
            return "i8" if self.signed else "i16"
        return "i32" if self.bits <= 32 else "i64"

    def rand(self, rng, shape, p_zero=None):
        if self.kind == "bin":
            return rng.choice(np.array([-1, 1]), size=shape).astype(np.int64)
        if self.kind == "tern":
            if p_zero is None:
                p_zero = float(rng.uniform(0.1, 0.6))
            p = [(1 - p_zero) / 2, p_zero, (1 - p_zero) / 2]
            return rng.choice(np.array([-1, 0, 1]), size=shape,
                              p=p).astype(np.int64)
        return rng.integers(self.qmin, self.qmax + 1, size=shape,
                            dtype=np.int64)

    def centered(self, q):
        q = np.asarray(q, np.int64)
        if self.kind != "int":
            return q
        if isinstance(self.zp, (list, tuple)):
            shape = [1] * q.ndim
            shape[self.axis] = len(self.zp)
            return q - np.asarray(self.zp, np.int64).reshape(shape)
        return q - self.zp


BIN = Elt("bin")
TERN = Elt("tern")
F32 = Elt("f32")


def tensor_str(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [str(elt)])


def memref_str(shape, elt):
    return "memref<%s>" % "x".join([str(d) for d in shape] + [str(elt)])


def dense_int(arr):
    arr = np.asarray(arr)

    def rec(a):
        if a.ndim == 0:
            return str(int(a))
        return "[" + ", ".join(rec(x) for x in a) + "]"
    return "dense<%s>" % rec(arr)


def dense_f32(arr):
    arr = np.asarray(arr, np.float32)

    def rec(a):
        if a.ndim == 0:
            return flit(a)
        return "[" + ", ".join(rec(x) for x in a) + "]"
    return "dense<%s>" % rec(arr)


def act_str(act):
    """act: None, 'relu', 'relu6' or ('clamp', lo, hi)."""
    if act is None or act == "none":
        return ""
    if isinstance(act, tuple):
        return " act(clamp, %s, %s)" % (flit(act[1]), flit(act[2]))
    return " act(%s)" % act


def apply_act_f32(x, act):
    x = np.asarray(x, np.float32)
    if act is None or act == "none":
        return x
    if act == "relu":
        return np.maximum(x, np.float32(0))
    if act == "relu6":
        return np.minimum(np.maximum(x, np.float32(0)), np.float32(6))
    _, lo, hi = act
    return np.minimum(np.maximum(x, np.float32(lo)), np.float32(hi))


def short(vals, limit=48):
    vals = list(vals)
    if len(vals) <= limit:
        return str(vals)
    return str(vals[:limit])[:-1] + ", ... (%d values)]" % len(vals)


# --------------------------------------------------------------------------
# Numpy references on unpacked values
# --------------------------------------------------------------------------


def matmul_ref(a, w):
    """Exact integer product of centered values (MxK or BxMxK times KxN or
    BxKxN)."""
    return np.matmul(np.asarray(a, np.int64), np.asarray(w, np.int64))


def conv_attrs(strides=(1, 1), dilations=(1, 1), padding=(0, 0, 0, 0),
               pad_value=None, groups=1, explicit_strides=False):
    """The attribute text of a lowbit.conv2d (defaults left out; strides
    [1, 1] written too when `explicit_strides`)."""
    s = ""
    if strides != (1, 1) or explicit_strides:
        s += " strides [%d, %d]" % strides
    if dilations != (1, 1):
        s += " dilations [%d, %d]" % dilations
    if padding != (0, 0, 0, 0):
        s += " padding [%d, %d, %d, %d]" % padding
    if pad_value is not None:
        s += " pad_value " + pad_value
    if groups != 1:
        s += " groups %d" % groups
    return s


def conv_out_size(size, p0, p1, k, s, d):
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def conv2d_ref(x, w, strides=(1, 1), dilations=(1, 1), padding=(0, 0, 0, 0),
               groups=1, pad_real=0):
    """Exact integer cross-correlation: x NHWC (centered values), w OHWI
    (C/groups), padding taps hold `pad_real` (0 or +1)."""
    x = np.asarray(x, np.int64)
    w = np.asarray(w, np.int64)
    n, h, wd, c = x.shape
    o, kh, kw, cg = w.shape
    assert c == cg * groups and o % groups == 0
    og = o // groups
    pt, pb, pl, pr = padding
    sh, sw = strides
    dh, dw = dilations
    xp = np.full((n, h + pt + pb, wd + pl + pr, c), pad_real, np.int64)
    xp[:, pt:pt + h, pl:pl + wd, :] = x
    oh = conv_out_size(h, pt, pb, kh, sh, dh)
    ow = conv_out_size(wd, pl, pr, kw, sw, dw)
    out = np.zeros((n, oh, ow, o), np.int64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                       j * dw:j * dw + sw * (ow - 1) + 1:sw, :]
            assert patch.shape[1:3] == (oh, ow)
            for g in range(groups):
                out[..., g * og:(g + 1) * og] += np.einsum(
                    "nhwc,oc->nhwo", patch[..., g * cg:(g + 1) * cg],
                    w[g * og:(g + 1) * og, i, j, :])
    return out


def conv2d_naive(x, w, strides, dilations, padding, groups, pad_real):
    """A scalar-loop version (for self-checking conv2d_ref)."""
    n, h, wd, c = x.shape
    o, kh, kw, cg = w.shape
    og = o // groups
    pt, pb, pl, pr = padding
    oh = conv_out_size(h, pt, pb, kh, strides[0], dilations[0])
    ow = conv_out_size(wd, pl, pr, kw, strides[1], dilations[1])
    out = np.zeros((n, oh, ow, o), np.int64)
    for b in range(n):
        for y in range(oh):
            for z in range(ow):
                for oc in range(o):
                    g = oc // og
                    s = 0
                    for i in range(kh):
                        for j in range(kw):
                            yy = y * strides[0] + i * dilations[0] - pt
                            zz = z * strides[1] + j * dilations[1] - pl
                            for ci in range(cg):
                                inside = 0 <= yy < h and 0 <= zz < wd
                                v = x[b, yy, zz, g * cg + ci] if inside \
                                    else pad_real
                                s += int(v) * int(w[oc, i, j, ci])
                    out[b, y, z, oc] = s
    return out


def float_epilogue(dot, sx, sw, bias=None, act=None):
    """What a float result holds: f32(dot) * (f32(s_x) * f32(s_w[c])) + bias,
    then the activation; channels along the last axis. With power-of-two
    scales and small dyadic biases every step is exact, so the order of the
    operations does not matter."""
    sw = np.asarray(sw, np.float32)
    s = np.float32(sx) * sw
    f = np.asarray(dot, np.float32) * s
    if bias is not None:
        f = f + np.asarray(bias, np.float32)
    return apply_act_f32(f.astype(np.float32), act)


def sign_of(f):
    """lowbit.sign / binary result: +1 where f >= 0 (sign(0) = +1)."""
    return np.where(np.asarray(f, np.float32) >= 0, 1, -1).astype(np.int64)


def requant_ref(acc, sx, sw, out, mode, act=None):
    """int32 accumulator -> stored values of the affine result `out`
    (numerics.md 2A fixed point / 2B float). sw: per-channel list."""
    acc = np.asarray(acc, np.int64)
    c = acc.shape[-1]
    so, zo = out.scale(), out.zp
    lo, hi = out.qmin, out.qmax
    if act == "relu":
        lo = max(lo, zo)
    elif act == "relu6":
        lo = max(lo, zo)
        hi = min(hi, zo + round_half_away(float(np.float32(6.0) /
                                                np.float32(so))))
    elif act is not None:
        raise ValueError(act)
    res = np.zeros(acc.shape, np.int64)
    for ch in range(c):
        swc = float(np.float32(sw[ch if len(sw) > 1 else 0]))
        m = float(np.float32(sx)) * swc / float(np.float32(so))
        m0, e = quantize_multiplier(m)
        mf = np.float32(np.float32(sx) * np.float32(swc)) / np.float32(so)
        for idx in np.ndindex(acc.shape[:-1]):
            a = int(acc[idx + (ch,)])
            assert INT32_MIN <= a <= INT32_MAX
            if m == 1.0:
                r = a
            elif mode == "fixed":
                r = mbqm(a, m0, e)
            else:
                r = round_half_even_f32(np.float32(a) * np.float32(mf))
            res[idx + (ch,)] = min(max(r + zo, lo), hi)
    return res


def pack_ref(x, word_bits, plane="sign"):
    """Packed words (signed two's complement ints) of x [..., K] along the
    last axis, LSB first; bit 1 = -1 (sign plane) or nonzero (mask)."""
    x = np.asarray(x, np.int64)
    k = x.shape[-1]
    kw = -(-k // word_bits)
    bits = (x < 0) if plane == "sign" else (x != 0)
    out = np.zeros(x.shape[:-1] + (kw,), dtype=object)
    for idx in np.ndindex(x.shape[:-1]):
        for j in range(kw):
            v = 0
            for i in range(word_bits):
                kk = j * word_bits + i
                if kk < k and bits[idx + (kk,)]:
                    v |= 1 << i
            if v >= 1 << (word_bits - 1):
                v -= 1 << word_bits
            out[idx + (j,)] = v
    return out


def max_pool_ref(x, kernel, strides, padding):
    """Max over the non-padding taps of each window."""
    x = np.asarray(x, np.int64)
    n, h, w, c = x.shape
    kh, kw = kernel
    sh, sw = strides
    pt, pb, pl, pr = padding
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    out = np.zeros((n, oh, ow, c), np.int64)
    for y in range(oh):
        for z in range(ow):
            y0, z0 = y * sh - pt, z * sw - pl
            ys = slice(max(y0, 0), min(y0 + kh, h))
            zs = slice(max(z0, 0), min(z0 + kw, w))
            win = x[:, ys, zs, :]
            assert win.shape[1] > 0 and win.shape[2] > 0
            out[:, y, z, :] = win.max(axis=(1, 2))
    return out


# --------------------------------------------------------------------------
# Module builder
# --------------------------------------------------------------------------


class Builder:
    def __init__(self):
        self.body = []
        self.outputs = []
        self.counter = 0

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def emit(self, line):
        self.body.append("    " + line)

    def comment(self, text):
        for line in text.splitlines():
            self.body.append("    // " + line)

    # ---- constants -------------------------------------------------------

    def const(self, values, elt):
        """lowbit.constant of stored values (ints) of `elt`."""
        values = np.asarray(values, np.int64)
        assert values.min() >= elt.qmin and values.max() <= elt.qmax
        name = self.fresh("c")
        self.emit("%s = lowbit.constant %s : %s as %s" % (
            name, dense_int(values),
            tensor_str(values.shape, elt.value_type()),
            tensor_str(values.shape, elt)))
        return name

    def runtime(self, values, elt):
        """A tensor of stored values `values` of `elt` that is NOT a
        constant to the lowering: lowbit.quantize of an f32 constant holding
        the exact real values (so constant-weight shortcuts are bypassed)."""
        values = np.asarray(values, np.int64)
        real = elt.centered(values).astype(np.float32)
        if elt.per_channel:
            shape = [1] * values.ndim
            shape[elt.axis] = len(elt.scales)
            real = real * np.asarray(elt.scales, np.float32).reshape(shape)
        else:
            real = real * np.float32(elt.scale())
        f = self.fconst(real, arith=True)
        name = self.fresh("q")
        self.emit("%s = lowbit.quantize %s : %s -> %s" % (
            name, f, tensor_str(values.shape, "f32"),
            tensor_str(values.shape, elt)))
        return name

    def fconst(self, values, arith=False):
        """An f32 constant with exact decimal literals."""
        values = np.asarray(values, np.float32)
        name = self.fresh("f")
        t = tensor_str(values.shape, "f32")
        if arith:
            self.emit("%s = arith.constant %s : %s" % (name, dense_f32(values),
                                                       t))
        else:
            self.emit("%s = lowbit.constant %s : %s as %s" % (
                name, dense_f32(values), t, t))
        return name

    def iconst(self, values, ity):
        values = np.asarray(values, np.int64)
        name = self.fresh("w")
        self.emit("%s = arith.constant %s : %s" % (
            name, dense_int(values), tensor_str(values.shape, ity)))
        return name

    # ---- printing --------------------------------------------------------

    def _print(self, name, shape, ity):
        m = self.fresh("m")
        u = self.fresh("u")
        fn = {"i32": "printMemrefI32", "i64": "printMemrefI64"}[ity]
        self.emit("%s = bufferization.to_buffer %s : %s to %s" % (
            m, name, tensor_str(shape, ity), memref_str(shape, ity)))
        self.emit("%s = memref.cast %s : %s to memref<*x%s>" % (
            u, m, memref_str(shape, ity), ity))
        self.emit("call @%s(%s) : (memref<*x%s>) -> ()" % (fn, u, ity))

    def _record(self, label, desc, shape, expected, kind, inputs):
        if not isinstance(expected, dict):
            expected = {m: expected for m in MODES}
        rec = {"label": label, "desc": desc, "shape": [int(d) for d in shape],
               "kind": kind, "expected": {}, "inputs": {}}
        for m, v in expected.items():
            flat = [int(x) for x in np.asarray(v, dtype=object).ravel()]
            assert len(flat) == int(np.prod(shape)), (label, len(flat), shape)
            rec["expected"][m] = flat
        for k, v in (inputs or {}).items():
            if isinstance(v, np.ndarray):
                rec["inputs"][k] = {"shape": list(v.shape),
                                    "values": [int(x) if float(x).is_integer()
                                               else float(x)
                                               for x in v.ravel()]}
            else:
                rec["inputs"][k] = v
        self.outputs.append(rec)

    def print_f32(self, name, shape, expected, label, desc="", inputs=None):
        """Prints the bit patterns of an f32 tensor; expected: floats (or a
        mode -> floats dict)."""
        if isinstance(expected, dict):
            exp = {m: [f32_bits(x) for x in np.asarray(v, np.float32).ravel()]
                   for m, v in expected.items()}
        else:
            exp = [f32_bits(x)
                   for x in np.asarray(expected, np.float32).ravel()]
        self._record(label, desc, shape, exp, "f32", inputs)
        i = self.fresh("i")
        self.emit("%s = arith.bitcast %s : %s to %s" % (
            i, name, tensor_str(shape, "f32"), tensor_str(shape, "i32")))
        self._print(i, shape, "i32")

    def print_dequant(self, name, shape, elt, expected_stored, label,
                      desc="", inputs=None):
        """Dequantizes a binary/ternary/affine tensor to f32 and prints its
        bits; expected: stored values (ints, or mode -> ints)."""
        def real(v):
            v = np.asarray(v, np.int64)
            if elt.kind == "int":
                return (v - elt.zp).astype(np.float32) * \
                    np.float32(elt.scale())
            return v.astype(np.float32) * np.float32(elt.scale())
        assert not elt.per_channel
        if isinstance(expected_stored, dict):
            exp = {m: real(v) for m, v in expected_stored.items()}
        else:
            exp = real(expected_stored)
        d = self.fresh("d")
        self.emit("%s = lowbit.dequantize %s : %s -> %s" % (
            d, name, tensor_str(shape, elt), tensor_str(shape, "f32")))
        self.print_f32(d, shape, exp, label, desc, inputs)
        self.outputs[-1]["kind"] = "dequant"
        self.outputs[-1]["scale"] = elt.scale()

    def print_stored(self, name, shape, elt, expected, label, desc="",
                     inputs=None):
        """Prints the stored integers of an affine tensor (quant.scast)."""
        self._record(label, desc, shape, expected, "int", inputs)
        st = "i%d" % elt.bits
        s = self.fresh("s")
        self.emit("%s = quant.scast %s : %s to %s" % (
            s, name, tensor_str(shape, elt), tensor_str(shape, st)))
        if elt.bits < 32:
            e = self.fresh("x")
            self.emit("%s = %s %s : %s to %s" % (
                e, "arith.extsi" if elt.signed else "arith.extui", s,
                tensor_str(shape, st), tensor_str(shape, "i32")))
            s = e
        self._print(s, shape, "i32")

    def print_words(self, name, shape, word_bits, expected, label, desc="",
                    inputs=None):
        """Prints iN words sign-extended (i64 through printMemrefI64)."""
        self._record(label, desc, shape, expected, "int", inputs)
        ity = "i%d" % word_bits
        if word_bits == 64:
            self._print(name, shape, "i64")
            return
        if word_bits < 32:
            e = self.fresh("x")
            self.emit("%s = arith.extsi %s : %s to %s" % (
                e, name, tensor_str(shape, ity), tensor_str(shape, "i32")))
            name = e
        self._print(name, shape, "i32")

    def module(self):
        lines = [
            "// Generated by a lowbit binary/ternary execution test.",
            "func.func private @printMemrefI32(memref<*xi32>) "
            "attributes {llvm.emit_c_interface}",
            "func.func private @printMemrefI64(memref<*xi64>) "
            "attributes {llvm.emit_c_interface}",
            "",
            "func.func @main() {",
        ]
        lines += self.body
        lines += ["    return", "}", ""]
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Runner output
# --------------------------------------------------------------------------

_HEADER = re.compile(
    r"Unranked Memref base@ = \S+ rank = (\d+) offset = -?\d+ "
    r"sizes = \[([^\]]*)\] strides = \[[^\]]*\] data =")
_INT = re.compile(r"-?\d+")


def parse_runner_output(text):
    heads = list(_HEADER.finditer(text))
    result = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        sizes = [int(x) for x in _INT.findall(h.group(2))]
        vals = [int(x) for x in _INT.findall(text[h.end():end])]
        result.append((sizes, vals))
    return result


def _show(kind, v):
    if kind in ("f32", "dequant"):
        return repr(bits_f32(v))
    return str(v)


def check(prefix, out_path, mode):
    with open(prefix + ".json") as f:
        outputs = json.load(f)["outputs"]
    with open(out_path) as f:
        got = parse_runner_output(f.read())
    failures = 0
    if len(got) != len(outputs):
        print("error: expected %d printed results, the runner printed %d (%s)"
              % (len(outputs), len(got), out_path))
        failures += 1
    for rec, (shape, vals) in zip(outputs, got):
        exp = rec["expected"][mode]
        if shape != rec["shape"] or len(vals) != len(exp):
            bad = ["shape"]
        else:
            bad = [i for i, (e, g) in enumerate(zip(exp, vals)) if e != g]
        if not bad:
            continue
        failures += 1
        if failures > 12:
            continue
        kind = rec["kind"]
        print("MISMATCH case %s" % rec["label"])
        print("  op:       %s" % rec["desc"])
        for k, v in rec["inputs"].items():
            if isinstance(v, dict):
                print("  %-9s shape %s %s" % (k + ":", v["shape"],
                                              short(v["values"], 96)))
            else:
                print("  %-9s %s" % (k + ":", v))
        print("  shape:    expected %s, got %s" % (rec["shape"], shape))
        print("  expected: %s" % short([_show(kind, x) for x in exp], 96))
        print("  got:      %s" % short([_show(kind, x) for x in vals], 96))
        if bad != ["shape"]:
            print("  %d of %d values differ, at flat indices %s" % (
                len(bad), len(exp), short(bad, 24)))
            for i in bad[:6]:
                idx = np.unravel_index(i, rec["shape"])
                print("    [%s] expected %s got %s" % (
                    ", ".join(str(int(j)) for j in idx), _show(kind, exp[i]),
                    _show(kind, vals[i])))
    if failures:
        print("%d of %d cases FAILED (%s, mode %s)" % (
            failures, len(outputs), out_path, mode))
        return 1
    print("%d cases passed (%s, mode %s)" % (len(outputs), out_path, mode))
    return 0


def same(path_a, path_b, prefix=None):
    with open(path_a) as f:
        a = parse_runner_output(f.read())
    with open(path_b) as f:
        b = parse_runner_output(f.read())
    labels = None
    if prefix:
        with open(prefix + ".json") as f:
            labels = [r["label"] for r in json.load(f)["outputs"]]
    bad = 0
    if labels is not None and len(a) != len(labels):
        print("error: %d results in %s, expected %d" % (len(a), path_a,
                                                        len(labels)))
        bad += 1
    if not a:
        print("error: no results in %s" % path_a)
        bad += 1
    if len(a) != len(b):
        print("error: %d results in %s, %d in %s" % (len(a), path_a, len(b),
                                                      path_b))
        bad += 1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            bad += 1
            name = labels[i] if labels and i < len(labels) else str(i)
            diff = [j for j, (p, q) in enumerate(zip(x[1], y[1])) if p != q]
            print("DIFFERENT result %s: %s vs %s differ at %s" % (
                name, path_a, path_b, short(diff, 24)))
    if bad:
        return 1
    print("%d results identical in %s and %s" % (len(a), path_a, path_b))
    return 0


def report_ir_check(errors, path, ok_message):
    """Prints the problems an IR check found in `path` (or `ok_message`);
    the exit status for the check."""
    for e in errors:
        print("error: " + e)
    if errors:
        print("%d problems in the fused IR (%s)" % (len(errors), path))
        return 1
    print(ok_message)
    return 0


def main(generate, seed, extra_checks=None):
    """generate(builder, rng) adds the cases of a test file. extra_checks:
    name -> fn(prefix, path) for script-specific checks (--extra NAME
    PATH)."""
    p = argparse.ArgumentParser()
    p.add_argument("--emit", metavar="PREFIX")
    p.add_argument("--check", metavar="PREFIX")
    p.add_argument("--out", metavar="FILE")
    p.add_argument("--mode", choices=MODES, default="fixed")
    p.add_argument("--same", nargs=2, metavar="FILE")
    p.add_argument("--extra", nargs=3, metavar=("NAME", "PREFIX", "FILE"))
    p.add_argument("--seed", type=int, default=seed,
                   help="with --emit: another random draw (manual stress "
                   "runs; the lit tests use the fixed default)")
    args = p.parse_args()
    if args.same:
        sys.exit(same(args.same[0], args.same[1], args.check))
    if args.extra:
        sys.exit(extra_checks[args.extra[0]](args.extra[1], args.extra[2]))
    if args.check:
        sys.exit(check(args.check, args.out or args.check + ".out",
                       args.mode))
    if not args.emit:
        p.error("need --emit, --check, --same or --extra")
    b = Builder()
    rng = np.random.default_rng(args.seed)
    generate(b, rng)
    with open(args.emit + ".mlir", "w") as f:
        f.write(b.module())
    with open(args.emit + ".json", "w") as f:
        json.dump({"outputs": b.outputs}, f)
    print("%d cases emitted" % len(b.outputs))
    sys.exit(0)
