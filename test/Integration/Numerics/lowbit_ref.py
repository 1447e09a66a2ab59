"""Independent Python reference for the lowbit integer numerics.

Written from docs numerics.md sections 1-5 (TFLite / gemmlowp fixed point,
ONNX float multipliers, OCP FP8), without looking at the compiler's own
implementation. Everything that rounds is computed exactly: Python integers
for the fixed-point paths, numpy float32 scalars for the float32 paths and
fractions.Fraction where a float must be rounded to an integer.

This is a helper module for the lit tests in this folder, not a test itself.
"""

import math
from fractions import Fraction

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


class Undefined(Exception):
    """The reference semantics overflow int32 for this input (the compiler's
    result is then unspecified); test generators draw another case."""


# --------------------------------------------------------------------------
# Scalars and rounding
# --------------------------------------------------------------------------

def f32(x):
    """Round a double (or int) to float32."""
    return np.float32(x)


def d32(x):
    """A double holding the float32 rounding of x (scale handling)."""
    return float(np.float32(x))


def round_half_away(x):
    """std::round / TfLiteRound on an exactly known float value."""
    fr = Fraction(float(x))
    n = math.floor(abs(fr) + Fraction(1, 2))
    return n if fr >= 0 else -n


def round_half_even(x):
    """Round half to even (Python's round is exact on binary floats)."""
    v = float(x)
    if math.isnan(v) or math.isinf(v):
        raise Undefined("round of non-finite value")
    return int(round(v))


def c_div(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def check_i32(x, what="value"):
    if not INT32_MIN <= x <= INT32_MAX:
        raise Undefined("%s %d overflows int32" % (what, x))
    return x


# --------------------------------------------------------------------------
# TFLite / gemmlowp fixed point (numerics.md 2A)
# --------------------------------------------------------------------------

def quantize_multiplier(m):
    """QuantizeMultiplier: double m ~= m0 * 2^(e - 31), m0 in [2^30, 2^31)."""
    m = float(m)
    if m == 0.0:
        return 0, 0
    assert m > 0.0
    frac, e = math.frexp(m)          # m = frac * 2^e, frac in [0.5, 1)
    m0 = round_half_away(frac * float(1 << 31))  # exact product
    if m0 == (1 << 31):
        m0 //= 2
        e += 1
    if e < -31:
        m0, e = 0, 0
    assert 0 <= m0 <= INT32_MAX
    return m0, e


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul (int32 x int32 -> int32)."""
    check_i32(a, "srdhm operand")
    check_i32(b, "srdhm operand")
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    p = a * b
    nudge = (1 << 30) if p >= 0 else 1 - (1 << 30)
    return c_div(p + nudge, 1 << 31)


def rdbpot(x, n):
    """RoundingDivideByPOT: x / 2^n rounded half away from zero."""
    assert 0 <= n <= 31
    check_i32(x, "rdbpot operand")
    mask = (1 << n) - 1
    rem = x & mask                  # two's complement low bits
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> n) + (1 if rem > thr else 0)


def mbqm(x, qm):
    """MultiplyByQuantizedMultiplier (double rounding)."""
    m0, e = qm
    left = max(e, 0)
    right = max(-e, 0)
    return rdbpot(srdhm(check_i32(x * (1 << left), "mbqm shifted input"), m0),
                  right)


def mbqm_single(x, qm):
    """The single-rounding variant (only used for self-checks)."""
    m0, e = qm
    t = 31 - e
    return (x * m0 + (1 << (t - 1))) >> t


# --------------------------------------------------------------------------
# Quantized types
# --------------------------------------------------------------------------

class QType:
    """An affine quantized element type: storage and scale/zero points."""

    def __init__(self, bits, signed, scales, zps, axis=None, narrow=None):
        self.bits = bits
        self.signed = signed
        if narrow is not None:
            self.qmin, self.qmax = narrow
        elif signed:
            self.qmin, self.qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            self.qmin, self.qmax = 0, (1 << bits) - 1
        self.narrow = narrow
        if not isinstance(scales, (list, tuple)):
            scales = [scales]
        if not isinstance(zps, (list, tuple)):
            zps = [zps] * len(scales)
        assert len(scales) == len(zps)
        assert axis is not None or len(scales) == 1
        self.scales = [float(s) for s in scales]
        self.zps = [int(z) for z in zps]
        self.axis = axis
        for z in self.zps:
            assert self.qmin <= z <= self.qmax, (z, self.qmin, self.qmax)

    @property
    def per_axis(self):
        return self.axis is not None

    @property
    def scale(self):
        assert not self.per_axis
        return self.scales[0]

    @property
    def zp(self):
        assert not self.per_axis
        return self.zps[0]

    def channel(self, c):
        """(float32 scale, zero point) of channel c (any c when per tensor)."""
        i = c if self.per_axis else 0
        return f32(self.scales[i]), self.zps[i]

    def clamp(self, v):
        return min(max(v, self.qmin), self.qmax)

    def __repr__(self):
        return "QType(%s%d%s, scales=%r, zps=%r, axis=%r)" % (
            "i" if self.signed else "u", self.bits,
            "" if self.narrow is None else "<%d:%d>" % self.narrow,
            self.scales, self.zps, self.axis)


def _channel_index(shape, qt):
    """An int array of the per-axis channel index of every element."""
    if not qt.per_axis:
        return np.zeros(shape, dtype=np.int64)
    idx = np.indices(shape)[qt.axis]
    return idx


# --------------------------------------------------------------------------
# Activation range (TFLite CalculateActivationRangeQuantized)
# --------------------------------------------------------------------------

def activation_range(act, out, clamp_min=None, clamp_max=None):
    so = f32(out.scale)
    zo = out.zp

    def quant(v):
        return zo + round_half_away(f32(v) / so)

    if act == "none":
        return out.qmin, out.qmax
    if act == "relu":
        return max(out.qmin, zo), out.qmax
    if act == "relu6":
        return max(out.qmin, zo), min(out.qmax, quant(6.0))
    if act == "clamp":
        return max(out.qmin, quant(clamp_min)), min(out.qmax, quant(clamp_max))
    raise ValueError(act)


def _clamp(v, lo, hi):
    return min(max(v, lo), hi)


# --------------------------------------------------------------------------
# quantize / dequantize / requantize
# --------------------------------------------------------------------------

def quantize(x, qt, mode):
    """x: float32 array. Returns the stored integers (int64 array)."""
    x = np.asarray(x, dtype=np.float32)
    ch = _channel_index(x.shape, qt)
    out = np.zeros(x.shape, dtype=np.int64)
    for idx in np.ndindex(x.shape):
        s, z = qt.channel(ch[idx])
        v = np.float32(x[idx]) / s                 # float32 division
        if not np.isfinite(v):
            raise Undefined("non-finite x / scale")
        r = round_half_away(v) if mode == "fixed" else round_half_even(v)
        if abs(r) >= (1 << 31):
            raise Undefined("x / scale out of int32 range")
        out[idx] = qt.clamp(r + z)
    return out


def dequantize(q, qt, mode):
    """Returns float32 array of real values."""
    q = np.asarray(q, dtype=np.int64)
    ch = _channel_index(q.shape, qt)
    out = np.zeros(q.shape, dtype=np.float32)
    for idx in np.ndindex(q.shape):
        s, z = qt.channel(ch[idx])
        d = int(q[idx]) - z
        if mode == "fixed":
            out[idx] = np.float32(float(s) * d)     # double product, one rounding
        else:
            out[idx] = np.float32(d) * s            # float32 product
    return out


def requantize(q, qin, qout, mode):
    q = np.asarray(q, dtype=np.int64)
    chi = _channel_index(q.shape, qin)
    cho = _channel_index(q.shape, qout)
    out = np.zeros(q.shape, dtype=np.int64)
    for idx in np.ndindex(q.shape):
        si, zi = qin.channel(chi[idx])
        so, zo = qout.channel(cho[idx])
        d = check_i32(int(q[idx]) - zi, "q - zp_in")
        if mode == "fixed":
            m = float(si) / float(so)
            r = mbqm(d, quantize_multiplier(m))
        else:
            m32 = si / so                            # float32 division
            r = round_half_even(np.float32(d) * m32)
        out[idx] = qout.clamp(check_i32(r + zo))
    return out


# --------------------------------------------------------------------------
# add / mul
# --------------------------------------------------------------------------

def add_left_shift(a, b):
    w = max(a.bits, b.bits)
    asym = a.zp != 0 or b.zp != 0 or not a.signed or not b.signed
    m = w if asym else w - 1
    return min(20, 30 - m)


def add(x, y, qa, qb, qo, mode, act="none", cmin=None, cmax=None):
    x, y = np.broadcast_arrays(np.asarray(x, np.int64), np.asarray(y, np.int64))
    lo, hi = activation_range(act, qo, cmin, cmax)
    sa, za = qa.channel(0)
    sb, zb = qb.channel(0)
    so, zo = qo.channel(0)
    out = np.zeros(x.shape, dtype=np.int64)
    if mode == "fixed":
        left = add_left_shift(qa, qb)
        twice_max = 2.0 * max(float(sa), float(sb))
        qm_a = quantize_multiplier(float(sa) / twice_max)
        qm_b = quantize_multiplier(float(sb) / twice_max)
        qm_o = quantize_multiplier(twice_max / (float(1 << left) * float(so)))
        assert qm_a[1] <= 0 and qm_b[1] <= 0
        for idx in np.ndindex(x.shape):
            a = check_i32((int(x[idx]) - za) * (1 << left))
            b = check_i32((int(y[idx]) - zb) * (1 << left))
            s = check_i32(mbqm(a, qm_a) + mbqm(b, qm_b))
            r = check_i32(mbqm(s, qm_o) + zo)
            out[idx] = _clamp(r, lo, hi)
    else:
        for idx in np.ndindex(x.shape):
            real = (np.float32(int(x[idx]) - za) * sa +
                    np.float32(int(y[idx]) - zb) * sb)
            r = round_half_even(real / so)
            out[idx] = _clamp(r + zo, lo, hi)
    return out


def mul(x, y, qa, qb, qo, mode, act="none", cmin=None, cmax=None):
    x, y = np.broadcast_arrays(np.asarray(x, np.int64), np.asarray(y, np.int64))
    lo, hi = activation_range(act, qo, cmin, cmax)
    sa, za = qa.channel(0)
    sb, zb = qb.channel(0)
    so, zo = qo.channel(0)
    out = np.zeros(x.shape, dtype=np.int64)
    qm = quantize_multiplier(float(sa) * float(sb) / float(so))
    m32 = (sa * sb) / so
    for idx in np.ndindex(x.shape):
        p = check_i32((int(x[idx]) - za) * (int(y[idx]) - zb), "product")
        if mode == "fixed":
            r = mbqm(p, qm)
        else:
            r = round_half_even(np.float32(p) * m32)
        out[idx] = _clamp(check_i32(r + zo), lo, hi)
    return out


# --------------------------------------------------------------------------
# matmul / conv2d
# --------------------------------------------------------------------------

def _requant_acc(acc, n, qa, qw, qo, mode, lo, hi):
    sa, _ = qa.channel(0)
    sw, _ = qw.channel(n)
    so, zo = qo.channel(0)
    check_i32(acc, "accumulator")
    if mode == "fixed":
        qm = quantize_multiplier(float(sa) * float(sw) / float(so))
        r = mbqm(acc, qm)
    else:
        m32 = (sa * sw) / so
        r = round_half_even(np.float32(acc) * m32)
    return _clamp(check_i32(r + zo), lo, hi)


def matmul(a, w, qa, qw, qo, mode, bias=None, act="none", cmin=None,
           cmax=None):
    """a: MxK or BxMxK, w: KxN or BxKxN stored ints; bias: N ints."""
    a = np.asarray(a, np.int64)
    w = np.asarray(w, np.int64)
    lo, hi = activation_range(act, qo, cmin, cmax)
    za = qa.zp
    n_dim = w.shape[-1]
    zw = np.array([qw.channel(n)[1] for n in range(n_dim)], dtype=np.int64)
    ad = a - za
    wd = w - zw                      # broadcasts over the last (N) axis
    acc = np.matmul(ad, wd)          # int64, exact
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    out = np.zeros(acc.shape, dtype=np.int64)
    for idx in np.ndindex(acc.shape):
        out[idx] = _requant_acc(int(acc[idx]), idx[-1], qa, qw, qo, mode, lo,
                                hi)
    return out


def conv_output_size(size, pad_before, pad_after, kernel, stride, dilation):
    eff = dilation * (kernel - 1) + 1
    span = size + pad_before + pad_after
    if span < eff:
        return 0
    return (span - eff) // stride + 1


def conv2d_acc(x, w, zx, zw, strides=(1, 1), dilations=(1, 1),
               padding=(0, 0, 0, 0), groups=1):
    """int32 accumulators sum (x - zx) * (w - zw[o]) of a grouped NHWC x OHWI
    convolution whose padding holds zx (the real value 0)."""
    x = np.asarray(x, np.int64)
    w = np.asarray(w, np.int64)
    n_, h, width, c = x.shape
    o, kh, kw, ci = w.shape
    assert c % groups == 0 and o % groups == 0 and ci == c // groups
    pt, pb, pl, pr = padding
    sh, sw = strides
    dh, dw = dilations
    oh = conv_output_size(h, pt, pb, kh, sh, dh)
    ow = conv_output_size(width, pl, pr, kw, sw, dw)
    assert oh > 0 and ow > 0
    xp = np.full((n_, h + pt + pb, width + pl + pr, c), zx, dtype=np.int64)
    xp[:, pt:pt + h, pl:pl + width, :] = x
    xp = xp - zx
    wdiff = w - np.asarray(zw, dtype=np.int64)[:, None, None, None]
    og = o // groups
    acc = np.zeros((n_, oh, ow, o), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            # Input taps of filter position (i, j) for every output pixel.
            patch = xp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh,
                       j * dw:j * dw + (ow - 1) * sw + 1:sw, :]
            assert patch.shape[1:3] == (oh, ow)
            for g in range(groups):
                acc[..., g * og:(g + 1) * og] += np.einsum(
                    "nhwc,oc->nhwo", patch[..., g * ci:(g + 1) * ci],
                    wdiff[g * og:(g + 1) * og, i, j, :])
    return acc


def conv2d(x, w, qx, qw, qo, mode, bias=None, strides=(1, 1),
           dilations=(1, 1), padding=(0, 0, 0, 0), groups=1, act="none",
           cmin=None, cmax=None):
    """x: NHWC, w: OHWI (I = C / groups) stored ints."""
    o = np.asarray(w).shape[0]
    zw = [qw.channel(oc)[1] for oc in range(o)]
    acc = conv2d_acc(x, w, qx.zp, zw, strides, dilations, padding, groups)
    if bias is not None:
        acc = acc + np.asarray(bias, dtype=np.int64)
    lo, hi = activation_range(act, qo, cmin, cmax)
    out = np.zeros_like(acc)
    for idx in np.ndindex(acc.shape):
        out[idx] = _requant_acc(int(acc[idx]), idx[3], qx, qw, qo, mode, lo,
                                hi)
    return out


def conv2d_naive_acc(x, w, zx, zw, strides, dilations, padding, groups):
    """Direct loop version of the conv2d accumulator (self-check only)."""
    n_, h, wd_, c = x.shape
    o, kh, kw, ci = w.shape
    pt, pb, pl, pr = padding
    oh = conv_output_size(h, pt, pb, kh, strides[0], dilations[0])
    ow = conv_output_size(wd_, pl, pr, kw, strides[1], dilations[1])
    og = o // groups
    acc = np.zeros((n_, oh, ow, o), dtype=np.int64)
    for b in range(n_):
        for y in range(oh):
            for xx in range(ow):
                for oc in range(o):
                    g = oc // og
                    t = 0
                    for i in range(kh):
                        for j in range(kw):
                            r = y * strides[0] + i * dilations[0] - pt
                            cc = xx * strides[1] + j * dilations[1] - pl
                            for k in range(ci):
                                v = x[b, r, cc, g * ci + k] \
                                    if 0 <= r < h and 0 <= cc < wd_ else zx
                                t += (int(v) - zx) * (int(w[oc, i, j, k]) - zw[oc])
                    acc[b, y, xx, oc] = t
    return acc


# --------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------

def _pool_windows(x, kernel, strides, padding):
    n_, h, w, c = x.shape
    kh, kw = kernel
    sh, sw = strides
    pt, pb, pl, pr = padding
    oh = conv_output_size(h, pt, pb, kh, sh, 1)
    ow = conv_output_size(w, pl, pr, kw, sw, 1)
    assert oh > 0 and ow > 0
    for y in range(oh):
        for xx in range(ow):
            taps = []
            for i in range(kh):
                for j in range(kw):
                    r = y * sh + i - pt
                    cc = xx * sw + j - pl
                    taps.append((r, cc, 0 <= r < h and 0 <= cc < w))
            yield y, xx, oh, ow, taps


def max_pool2d(x, qt, kernel, strides=None, padding=(0, 0, 0, 0)):
    x = np.asarray(x, np.int64)
    strides = strides or kernel
    out = None
    for y, xx, oh, ow, taps in _pool_windows(x, kernel, strides, padding):
        if out is None:
            out = np.zeros((x.shape[0], oh, ow, x.shape[3]), np.int64)
        real = [(r, c) for r, c, ok in taps if ok]
        assert real
        for b in range(x.shape[0]):
            for ch in range(x.shape[3]):
                out[b, y, xx, ch] = max(int(x[b, r, c, ch]) for r, c in real)
    return out


def avg_pool2d(x, qt, kernel, strides=None, padding=(0, 0, 0, 0),
               count_include_pad=False):
    x = np.asarray(x, np.int64)
    strides = strides or kernel
    out = None
    for y, xx, oh, ow, taps in _pool_windows(x, kernel, strides, padding):
        if out is None:
            out = np.zeros((x.shape[0], oh, ow, x.shape[3]), np.int64)
        for b in range(x.shape[0]):
            for ch in range(x.shape[3]):
                total = 0
                count = 0
                for r, c, ok in taps:
                    if ok:
                        total += int(x[b, r, c, ch])
                        count += 1
                    elif count_include_pad:
                        total += qt.zp
                        count += 1
                if total > 0:
                    avg = c_div(total + count // 2, count)
                else:
                    avg = c_div(total - count // 2, count)
                out[b, y, xx, ch] = qt.clamp(avg)
    return out


# --------------------------------------------------------------------------
# Small floats (numerics.md 5), bit level
# --------------------------------------------------------------------------

class FloatFormat:
    def __init__(self, name, ebits, mbits, bias, ieee, saturate):
        self.name = name
        self.ebits = ebits
        self.mbits = mbits
        self.bias = bias
        self.ieee = ieee            # has inf; NaN = all-ones exponent
        self.saturate = saturate    # overflow -> max finite (else inf)
        self.width = 1 + ebits + mbits
        emax_field = (1 << ebits) - 1
        if ieee:
            self.max_exp = emax_field - 1 - bias
            self.max_mant = (1 << mbits) - 1
        else:  # E4M3FN: all-ones exponent is normal, except mantissa all ones
            self.max_exp = emax_field - bias
            self.max_mant = (1 << mbits) - 2
        self.max_finite = math.ldexp((1 << mbits) + self.max_mant,
                                     self.max_exp - mbits)
        self.min_exp = 1 - bias
        self.max_finite_bits = ((self.max_exp + bias) << mbits) | self.max_mant

    @property
    def sign_bit(self):
        return 1 << (self.width - 1)

    def is_nan(self, bits):
        mag = bits & (self.sign_bit - 1)
        if self.ieee:
            return (mag >> self.mbits) == (1 << self.ebits) - 1 and \
                (mag & ((1 << self.mbits) - 1)) != 0
        return mag == (1 << (self.width - 1)) - 1

    def nan_bits(self):
        if self.ieee:
            return (((1 << self.ebits) - 1) << self.mbits) | \
                (1 << (self.mbits - 1))
        return (1 << (self.width - 1)) - 1

    def inf_bits(self):
        assert self.ieee
        return ((1 << self.ebits) - 1) << self.mbits

    def encode(self, value):
        """Round a float (float32 or any value with at most 53 significant
        bits) to this format with round-to-nearest-even. Returns the bit
        pattern, or None for NaN (any NaN encoding is accepted). All double
        operations below are exact (power-of-two scaling; Python's round()
        of a double is exact half-to-even)."""
        v = float(value)
        if math.isnan(v):
            return None
        sign = self.sign_bit if math.copysign(1.0, v) < 0 else 0
        if math.isinf(v):
            if self.saturate:
                return sign | self.max_finite_bits
            return sign | self.inf_bits()
        a = abs(v)
        if a == 0.0:
            return sign
        one = 1 << self.mbits
        if a < math.ldexp(1.0, self.min_exp):
            # Subnormal grid; n == one is the smallest normal, and the
            # encoding is continuous there.
            n = int(round(math.ldexp(a, self.mbits - self.min_exp)))
            return sign | n
        _, ex = math.frexp(a)
        e = ex - 1                         # 2^e <= a < 2^(e+1)
        n = int(round(math.ldexp(a, self.mbits - e)))
        if n == 2 * one:
            n = one
            e += 1
        if math.ldexp(n, e - self.mbits) > self.max_finite:
            if self.saturate:
                return sign | self.max_finite_bits
            return sign | self.inf_bits()
        return sign | ((e + self.bias) << self.mbits) | (n - one)

    def encode_exact(self, value):
        """encode() with rational arithmetic (self-check only)."""
        v = float(value)
        if math.isnan(v) or math.isinf(v) or v == 0.0:
            return self.encode(v)
        sign = self.sign_bit if v < 0 else 0
        a = Fraction(abs(v))
        one = 1 << self.mbits
        if a < Fraction(2) ** self.min_exp:
            return sign | _fraction_round_half_even(
                a / Fraction(2) ** (self.min_exp - self.mbits))
        e = 0
        while Fraction(2) ** (e + 1) <= a:
            e += 1
        while Fraction(2) ** e > a:
            e -= 1
        n = _fraction_round_half_even(a / Fraction(2) ** (e - self.mbits))
        if n == 2 * one:
            n, e = one, e + 1
        if n * Fraction(2) ** (e - self.mbits) > self.max_finite:
            return sign | (self.max_finite_bits if self.saturate
                           else self.inf_bits())
        return sign | ((e + self.bias) << self.mbits) | (n - one)

    def decode(self, bits):
        """Exact value as a Python float (NaN as float('nan'))."""
        bits = int(bits)
        sign = -1.0 if bits & self.sign_bit else 1.0
        mag = bits & (self.sign_bit - 1)
        if self.is_nan(bits):
            return float("nan")
        ef = mag >> self.mbits
        mf = mag & ((1 << self.mbits) - 1)
        if self.ieee and ef == (1 << self.ebits) - 1:
            return sign * float("inf")
        if ef == 0:
            return sign * math.ldexp(mf, self.min_exp - self.mbits)
        return sign * math.ldexp((1 << self.mbits) + mf,
                                 ef - self.bias - self.mbits)


def _fraction_round_half_even(fr):
    fl = math.floor(fr)
    rem = fr - fl
    if rem > Fraction(1, 2):
        return fl + 1
    if rem < Fraction(1, 2):
        return fl
    return fl if fl % 2 == 0 else fl + 1


F16 = FloatFormat("f16", 5, 10, 15, ieee=True, saturate=False)
BF16 = FloatFormat("bf16", 8, 7, 127, ieee=True, saturate=False)
F8E4M3FN = FloatFormat("f8E4M3FN", 4, 3, 7, ieee=False, saturate=True)
F8E5M2 = FloatFormat("f8E5M2", 5, 2, 15, ieee=True, saturate=False)
F32 = FloatFormat("f32", 8, 23, 127, ieee=True, saturate=False)
FORMATS = {f.name: f for f in (F16, BF16, F8E4M3FN, F8E5M2, F32)}


def f32_from_bits(bits):
    return np.array([bits], dtype=np.uint32).view(np.float32)[0]


def f32_bits(x):
    return int(np.array([x], dtype=np.float32).view(np.uint32)[0])


# --------------------------------------------------------------------------
# Self-checks (run this file directly)
# --------------------------------------------------------------------------

def _self_check():
    # SRDHM: round to nearest, ties toward +infinity; saturation.
    assert srdhm(INT32_MIN, INT32_MIN) == INT32_MAX
    assert srdhm(1, 1 << 30) == 1          # 0.5 -> 1
    assert srdhm(-1, 1 << 30) == 0         # -0.5 -> 0
    assert srdhm(3, 1 << 30) == 2          # 1.5 -> 2
    assert srdhm(-3, 1 << 30) == -1        # -1.5 -> -1
    assert srdhm(INT32_MAX, INT32_MAX) == INT32_MAX - 1
    # RoundingDivideByPOT: ties away from zero.
    assert rdbpot(5, 1) == 3 and rdbpot(-5, 1) == -3
    assert rdbpot(3, 1) == 2 and rdbpot(-3, 1) == -2
    assert rdbpot(-4, 2) == -1 and rdbpot(-6, 2) == -2 and rdbpot(-5, 2) == -1
    assert rdbpot(7, 0) == 7
    # numerics.md: x=-2, M0=2^30, e=-1: double rounding -1, single rounding 0.
    assert mbqm(-2, (1 << 30, -1)) == -1
    assert mbqm_single(-2, (1 << 30, -1)) == 0
    # QuantizeMultiplier.
    assert quantize_multiplier(0.5) == (1 << 30, 0)
    assert quantize_multiplier(1.0) == (1 << 30, 1)
    assert quantize_multiplier(0.75) == (3 << 29, 0)
    assert quantize_multiplier(2.0 ** -40) == (0, 0)
    assert quantize_multiplier(2.0 ** -32) == (1 << 30, -31)
    # frac * 2^31 rounds up to 2^31: renormalized.
    assert quantize_multiplier(1.0 - 2.0 ** -40) == (1 << 30, 1)
    # MBQM of a power of two multiplier is an exact shift with rounding.
    assert mbqm(100, quantize_multiplier(0.25)) == 25
    assert mbqm(102, quantize_multiplier(0.25)) == 26      # 25.5 -> 26
    assert mbqm(-102, quantize_multiplier(0.25)) == -26    # -25.5 -> -26
    assert mbqm(3, quantize_multiplier(4.0)) == 12
    # Rounding helpers.
    assert round_half_away(2.5) == 3 and round_half_away(-2.5) == -3
    assert round_half_even(2.5) == 2 and round_half_even(-2.5) == -2
    assert round_half_even(3.5) == 4 and round_half_away(0.49999997) == 0
    assert c_div(-7, 2) == -3 and c_div(7, -2) == -3 and c_div(7, 2) == 3
    # Small floats.
    assert F8E4M3FN.encode(1.0) == 0x38 and F8E4M3FN.encode(448.0) == 0x7E
    assert F8E4M3FN.encode(1e9) == 0x7E and F8E4M3FN.encode(-1e9) == 0xFE
    assert F8E4M3FN.encode(464.0) == 0x7E and F8E4M3FN.encode(2.0 ** -9) == 1
    assert F8E4M3FN.encode(2.0 ** -10) == 0            # tie to even (0)
    assert F8E4M3FN.encode(3 * 2.0 ** -10) == 2        # tie to even (2)
    assert F8E4M3FN.is_nan(0x7F) and F8E4M3FN.is_nan(0xFF)
    assert F8E4M3FN.decode(0x7E) == 448.0 and F8E4M3FN.decode(0x01) == 2.0 ** -9
    assert F8E5M2.encode(1.0) == 0x3C and F8E5M2.encode(57344.0) == 0x7B
    assert F8E5M2.encode(61439.0) == 0x7B and F8E5M2.encode(61440.0) == 0x7C
    assert F8E5M2.encode(float("-inf")) == 0xFC and F8E5M2.encode(2.0 ** -16) == 1
    assert F8E5M2.is_nan(0x7D) and not F8E5M2.is_nan(0x7C)
    assert BF16.encode(1.0) == 0x3F80 and BF16.encode(-2.0) == 0xC000
    assert F16.encode(65504.0) == 0x7BFF and F16.encode(65520.0) == 0x7C00
    assert F16.encode(65519.99) == 0x7BFF and F16.encode(-0.0) == 0x8000
    # conv2d accumulators against the direct loops.
    rng = np.random.default_rng(7)
    for _ in range(40):
        groups = int(rng.choice([1, 2, 3]))
        ci, og = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
        x = rng.integers(-8, 8, size=(int(rng.integers(1, 3)),
                                      int(rng.integers(3, 8)),
                                      int(rng.integers(3, 8)), ci * groups))
        w = rng.integers(-8, 8, size=(og * groups, kh, kw, ci))
        st = tuple(int(v) for v in rng.integers(1, 3, size=2))
        dl = tuple(int(v) for v in rng.integers(1, 3, size=2))
        pd = tuple(int(v) for v in rng.integers(0, 3, size=4))
        if conv_output_size(x.shape[1], pd[0], pd[1], kh, st[0], dl[0]) < 1 or \
                conv_output_size(x.shape[2], pd[2], pd[3], kw, st[1], dl[1]) < 1:
            continue
        zx = int(rng.integers(-3, 3))
        zw = [int(v) for v in rng.integers(-2, 2, size=og * groups)]
        assert np.array_equal(
            conv2d_acc(x, w, zx, zw, st, dl, pd, groups),
            conv2d_naive_acc(x, w, zx, zw, st, dl, pd, groups))
    # The fast encoder against the rational one.
    rng = np.random.default_rng(3)
    for fmt in (F16, BF16, F8E4M3FN, F8E5M2):
        xs = rng.integers(0, 1 << 32, size=3000, dtype=np.uint64)
        xs = xs.astype(np.uint32).view(np.float32)
        lo, hi = fmt.min_exp - fmt.mbits - 2, min(fmt.max_exp + 2, 127.9)
        ys = (2.0 ** rng.uniform(lo, hi, size=3000)).astype(np.float32)
        mids = [(fmt.decode(p) + fmt.decode(p + 1)) / 2
                for p in rng.integers(0, fmt.max_finite_bits, size=500)]
        for v in list(xs) + list(ys) + list(-ys) + mids:
            assert fmt.encode(v) == fmt.encode_exact(v), (fmt.name, v)
    # Exhaustive round trips of the 8-bit formats.
    for fmt in (F8E4M3FN, F8E5M2):
        for b in range(256):
            if fmt.is_nan(b):
                continue
            assert fmt.encode(fmt.decode(b)) == b, (fmt.name, b)
    # f16 and bf16 against independent implementations on many f32 values.
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 1 << 32, size=20000, dtype=np.uint64).astype(np.uint32)
    special = np.array([0x00000000, 0x80000000, 0x7F800000, 0xFF800000,
                        0x33000000, 0x33000001, 0x387FC000, 0x477FF000,
                        0x477FEFFF, 0x3F808000, 0x3F818000, 0x3F80FFFF,
                        0x7F7FFFFF, 0x00000001, 0x0001FFFF],
                       dtype=np.uint32)
    bits = np.concatenate([bits, special])
    vals = bits.view(np.float32)
    with np.errstate(all="ignore"):
        h = vals.astype(np.float16).view(np.uint16)
    for b, v, hb in zip(bits, vals, h):
        mine = F16.encode(v)
        if mine is None:
            assert np.isnan(v)
            continue
        assert mine == int(hb), (hex(int(b)), hex(mine), hex(int(hb)))
        # bf16 by the classic bit trick.
        bb = int(b)
        trick = ((bb + 0x7FFF + ((bb >> 16) & 1)) >> 16) & 0xFFFF
        assert BF16.encode(v) == trick, (hex(bb), hex(BF16.encode(v)), hex(trick))
    return True


if __name__ == "__main__":
    _self_check()
    print("lowbit_ref self-check passed")
