# Chains of layers joined by an integer lowbit.threshold: the int32 result
# of a binary (or int8) matmul/conv2d goes through lowbit.threshold (x >= tau
# gives +1, x < tau gives -1) and the binary result feeds another binary
# matmul/conv2d, directly or through a binary max_pool2d. That is the
# "threshold pack" of --lowbit-lower-binary (a linalg.generic marked
# lowbit.threshold_pack that packs the sign bits into 64-bit words), which
# the popcount and int8 dot kernels store straight from their registers and
# --lowbit-lower-threshold-packs otherwise turns into vector code. Only
# chains exercise it, so every case here is one:
#
#   bb-*     binary conv2d -> threshold -> binary conv2d: input and output
#            channels below, at and above multiples of 64 (20, 64, 65, 70,
#            128, 130, 140), output widths 1-9 and 14, strides 1-2, padding
#            with pad_value one and zero (zero padding, i.e. a per-position
#            correction, in the first layer too), groups 2 in both layers
#            (64 or 70 channels per group) or in one of them (64, 65 or
#            20 per group), batch 1-2;
#   i8-*/u8  int8 (or uint8 with a zero point) activations x constant int8
#            weights -> int32 accumulator (scale s_x * s_w, powers of two) ->
#            threshold -> binary conv2d, among them RGB-stem shapes (3
#            channels, 7x7 or 3x3 window, stride 2, 12x12 input), plus one
#            int8 matmul;
#   mm-*     binary matmul -> threshold -> binary matmul (M 1-9, K and N
#            below, at and above multiples of 64), and a batched lhs
#            [2, M, K] with 2-D weights;
#   pool-*   binary conv2d -> threshold -> binary max_pool2d -> binary conv2d;
#   multi-*  the threshold's result read twice (by two binary convs, or by
#            a conv and a print of the unpacked signs), the accumulator read
#            twice (printed and thresholded), and a three-layer chain: packs
#            a kernel must NOT store from its registers, next to ones it may;
#   tern-*   two-level thresholds (a ternary result, thresholds in either
#            order) between binary or ternary layers and a ternary x ternary
#            or ternary x binary layer, conv2d and matmul, and after an int8
#            first layer: the kernels store the sign and mask planes.
#
# Thresholds are [C x 1] per channel, mostly dot products the layer reaches
# (ties, so ">=" is tested on both sides) or one away, some far outside the
# range (+-2^31, +-10^6, K + 1, -K), and a few shared [1 x 1] thresholds.
# Reference (numpy, unpacked values): the cross-correlation of binref
# (conv2d_ref; padding taps +1 for pad_value one, 0 for zero; int8 values
# minus their zero point, padding with the real 0), bits = where(dot < tau,
# -1, +1), max pooling of the bits, then the next layer's exact int32 dot
# products, which are what is printed (plus the unpacked signs in one case).
#
# The module runs four ways: without kernels (the packs become vector
# code), with the portable x86-64 popcount and int8 kernels (sse2; they
# store the packed bits themselves), with the popcnt kernels (64-bit
# llvm.ctpop counts instead of sse2's carry-save byte counts, other tiles),
# and with the NEON kernels in portable vector code (byte counts, and the
# paired-word kernel where a window position has an even number of words);
# the dot-product instructions are portable vector code too
# (dot4-portable), so every build runs on any host;
# each must match the reference, and the kernel builds the kernel-free one.
# Their --report remarks must say "packed sign stored" at every first layer
# marked so in the module (one binary reader, the same groups on both
# sides) and must not at the layers whose result or accumulator has other
# readers.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.out
# RUN: %python %s --check %t --out %t.out
# RUN: lowbit-opt --lowbit-to-llvm="popcount-kernels=sse2 dot-kernels=sse2 dot4-portable=1 report=1" %t.mlir 2> %t.sse2.report \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.sse2.out
# RUN: %python %s --check %t --out %t.sse2.out
# RUN: %python %s --check %t --same %t.out %t.sse2.out
# RUN: %python %s --extra stored %t %t.sse2.report
# RUN: lowbit-opt --lowbit-to-llvm="popcount-kernels=popcnt dot-kernels=sse2 dot4-portable=1 report=1" %t.mlir 2> %t.popcnt.report \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.popcnt.out
# RUN: %python %s --check %t --out %t.popcnt.out
# RUN: %python %s --check %t --same %t.out %t.popcnt.out
# RUN: %python %s --extra stored %t %t.popcnt.report
# RUN: lowbit-opt --lowbit-to-llvm="popcount-kernels=neon dot-kernels=neon dot4-portable=1 report=1" %t.mlir 2> %t.neon.report \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.neon.out
# RUN: %python %s --check %t --out %t.neon.out
# RUN: %python %s --check %t --same %t.out %t.neon.out
# RUN: %python %s --extra stored %t %t.neon.report

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1
# The comment before a first layer: does the kernel build store its packed
# sign (check_stored)?
EXPECT = "// packed sign stored by the kernel:"


def acc_elt(scale=1.0):
    """The int32 accumulator type !quant.uniform<i32:f32, scale>."""
    return B.Elt("int", [scale], bits=32)


class Conv:
    """A conv2d layer's attributes; o output channels."""

    def __init__(self, o, kernel=(3, 3), strides=(1, 1), padding=(0, 0, 0, 0),
                 pad_value=None, groups=1):
        self.o, self.kernel, self.strides = o, kernel, strides
        self.padding, self.pad_value, self.groups = padding, pad_value, groups

    def attrs(self):
        return B.conv_attrs(self.strides, (1, 1), self.padding,
                            self.pad_value, self.groups)

    def out_hw(self, h, w):
        pt, pb, pl, pr = self.padding
        return (B.conv_out_size(h, pt, pb, self.kernel[0], self.strides[0], 1),
                B.conv_out_size(w, pl, pr, self.kernel[1], self.strides[1], 1))


class Chain:
    """Emits the ops of one case and computes its reference alongside."""

    def __init__(self, b, rng, label):
        self.b, self.rng, self.label = b, rng, label
        self.desc = []
        self.inputs = {}

    def expect(self, stored):
        """Marks the next op for the --report check (check_stored): whether
        the kernel build must store the packed sign of its result."""
        if stored is not None:
            self.b.emit("%s %s" % (EXPECT, "yes" if stored else "no"))

    def r(self, lo, hi):
        return int(self.rng.integers(lo, hi + 1))

    # ---- layers ----------------------------------------------------------

    def conv(self, x, xv, ex, cf, wv=None, ew=B.BIN, scale=None,
             first=None):
        """x: SSA name of an NHWC tensor of `ex` holding stored values xv;
        constant weights wv (random if None) of `ew`. Returns the int32
        accumulator: its name, reference values and type."""
        n, h, w, c = xv.shape
        cg = c // cf.groups
        ws = (cf.o, cf.kernel[0], cf.kernel[1], cg)
        if wv is None:
            wv = ew.rand(self.rng, ws)
        pad_real = 1 if cf.pad_value == "one" else 0
        dot = B.conv2d_ref(ex.centered(xv), ew.centered(wv), cf.strides,
                           (1, 1), cf.padding, cf.groups, pad_real)
        if dot.size * np.prod(ws) < 40000:
            naive = B.conv2d_naive(ex.centered(xv), ew.centered(wv),
                                   cf.strides, (1, 1), cf.padding, cf.groups,
                                   pad_real)
            assert (naive == dot).all()
        assert I32_MIN <= dot.min() and dot.max() <= I32_MAX
        if scale is None:
            scale = ex.scale() * ew.scale()
        eo = acc_elt(scale)
        cw = self.b.const(wv, ew)
        y = self.b.fresh("y")
        types = "%s, %s -> %s" % (B.tensor_str(xv.shape, ex),
                                  B.tensor_str(ws, ew),
                                  B.tensor_str(dot.shape, eo))
        self.expect(first)
        self.b.emit("%s = lowbit.conv2d %s, %s%s : %s" % (
            y, x, cw, cf.attrs(), types))
        self.desc.append("conv2d%s : %s" % (cf.attrs(), types))
        self.inputs["w%d" % len(self.desc)] = wv
        return y, dot, eo

    def matmul(self, a, av, ea, n, wv=None, ew=B.BIN, first=None):
        k = av.shape[-1]
        if wv is None:
            wv = ew.rand(self.rng, (k, n))
        dot = B.matmul_ref(ea.centered(av), ew.centered(wv))
        eo = acc_elt(ea.scale() * ew.scale())
        cw = self.b.const(wv, ew)
        y = self.b.fresh("y")
        types = "%s, %s -> %s" % (B.tensor_str(av.shape, ea),
                                  B.tensor_str(wv.shape, ew),
                                  B.tensor_str(dot.shape, eo))
        self.expect(first)
        self.b.emit("%s = lowbit.matmul %s, %s : %s" % (y, a, cw, types))
        self.desc.append("matmul : " + types)
        self.inputs["w%d" % len(self.desc)] = wv
        return y, dot, eo

    def threshold(self, acc, dot, eo, kind="mixed", levels=1):
        """lowbit.threshold of the accumulator with per-channel ("mixed",
        "extreme": half far outside the range) or shared thresholds; one
        level (a binary result) or two (ternary: -1 + #{k : x >= t_k}, the
        two in either order); returns (name, values)."""
        c = dot.shape[-1]
        flat = dot.reshape(-1, c)
        k = int(np.abs(dot).max()) + 1
        far = [I32_MIN, I32_MAX, -10 ** 6, 10 ** 6, k + 1, -k]
        if kind == "shared":
            tau = np.array([[int(np.quantile(flat, (j + 1) / (levels + 1)))
                             for j in range(levels)]], np.int64)
        else:
            tau = np.zeros((c, levels), np.int64)
            p_far = 0.5 if kind == "extreme" else 0.12
            for ch in range(c):
                for j in range(levels):
                    u = self.rng.random()
                    col = flat[:, ch]
                    reach = int(col[self.r(0, len(col) - 1)])
                    if u < p_far:
                        tau[ch, j] = far[self.r(0, len(far) - 1)]
                    elif u < p_far + 0.2:
                        tau[ch, j] = reach + (1 if self.rng.random() < 0.5
                                              else -1)
                    else:
                        tau[ch, j] = reach  # a tie on a position
        t = self.b.iconst(tau, "i32")
        res = self.b.fresh("t")
        shape = dot.shape
        elt = B.BIN if levels == 1 else B.TERN
        self.b.emit("%s = lowbit.threshold %s, %s : %s, %s -> %s" % (
            res, acc, t, B.tensor_str(shape, eo),
            B.tensor_str(tau.shape, "i32"), B.tensor_str(shape, elt)))
        self.desc.append("threshold %dx%d" % tau.shape)
        self.inputs["tau%d" % len(self.desc)] = tau.ravel()
        t2 = tau.reshape(-1, levels) if tau.shape[0] > 1 else tau
        reached = sum((dot >= t2[:, j]).astype(np.int64)
                      for j in range(levels))
        if levels == 1:
            return res, np.where(reached == 0, -1, 1).astype(np.int64)
        return res, (reached - 1).astype(np.int64)

    def pool(self, x, xv, kernel, strides, padding):
        y = B.max_pool_ref(xv, kernel, strides, padding)
        res = self.b.fresh("p")
        attrs = " kernel [%d, %d] strides [%d, %d]" % (kernel + strides)
        if padding != (0, 0, 0, 0):
            attrs += " padding [%d, %d, %d, %d]" % padding
        self.b.emit("%s = lowbit.max_pool2d %s%s : %s -> %s" % (
            res, x, attrs, B.tensor_str(xv.shape, B.BIN),
            B.tensor_str(y.shape, B.BIN)))
        self.desc.append("max_pool2d%s" % attrs)
        return res, y

    def input_conv(self, shape, ex, cf, ew=B.BIN, first=None):
        """A random run-time input of `ex` and a first conv2d over it; see
        conv."""
        xv = ex.rand(self.rng, shape)
        return self.conv(self.input(xv, ex), xv, ex, cf, ew=ew, first=first)

    # ---- inputs and outputs ----------------------------------------------

    def input(self, xv, ex):
        self.inputs["x"] = xv
        return self.b.runtime(xv, ex)

    def print_acc(self, y, dot, eo, suffix=""):
        desc = " -> ".join(self.desc)
        self.b.print_stored(y, dot.shape, eo, dot, self.label + suffix, desc,
                            self.inputs)

    def print_bits(self, t, bits, suffix):
        desc = " -> ".join(self.desc)
        self.b.print_dequant(t, bits.shape, B.BIN, bits, self.label + suffix,
                             desc, self.inputs)

    def finish(self):
        """Labels the case in the module."""
        self.b.body.insert(self.start, "    // %s: %s" % (
            self.label, " -> ".join(self.desc)))

    def begin(self):
        self.start = len(self.b.body)
        return self


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------


def spatial_for(rng, ow, cf, oh=None):
    """An input height/width giving output width `ow` (and a small height)
    for conv `cf`; shrinks the padding when the input would be empty."""
    if oh is None:
        oh = int(rng.integers(1, 4))
    pt, pb, pl, pr = cf.padding
    kh, kw = cf.kernel
    sh, sw = cf.strides
    h = (oh - 1) * sh + kh - pt - pb
    w = (ow - 1) * sw + kw - pl - pr
    if h < 1 or w < 1:
        pt, pb = (pt, pb) if h >= 1 else (0, 0)
        pl, pr = (pl, pr) if w >= 1 else (0, 0)
        cf.padding = (pt, pb, pl, pr)
        return spatial_for(rng, ow, cf, oh)
    # Exercise a remainder row/column the stride skips, sometimes.
    if sw > 1 and rng.random() < 0.5:
        w += 1
    assert cf.out_hw(h, w) == (oh, ow), (cf.out_hw(h, w), oh, ow)
    return h, w


def rand_conv(rng, o, groups=1, pad_value=None, strides=None, kmax=3,
              h=None, w=None):
    """A random conv over an input of (h, w) (or any) with o outputs."""
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    kh, kw = r(1, kmax), r(1, kmax)
    pad = tuple(r(0, 1) for _ in range(4))
    if pad_value is None:
        pad_value = ["one", "zero"][r(0, 1)]
    if pad == (0, 0, 0, 0) and pad_value is not None:
        pad = (1, 1, 1, 1) if kh > 1 or kw > 1 else (0, 1, 1, 0)
    if h is not None:
        # A non-empty output.
        kh = min(kh, h + pad[0] + pad[1], h + 1)
        kw = min(kw, w + pad[2] + pad[3], w + 1)
    st = strides or (r(1, 2), r(1, 2))
    cf = Conv(o, (kh, kw), st, pad, pad_value, groups)
    if h is not None:
        oh, ow = cf.out_hw(h, w)
        assert oh >= 1 and ow >= 1
    return cf


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


def bb_case(b, rng, label, c, o1, ow, s, pv1, g1, g2, n, tau_kind, o2=None):
    """binary conv2d -> threshold -> binary conv2d."""
    ch = Chain(b, rng, label).begin()
    kmax = 3 if c * o1 <= 10000 else 2
    cf1 = rand_conv(rng, o1, g1, pv1, (s, s), kmax)
    if pv1 is None:
        cf1.padding, cf1.pad_value = (0, 0, 0, 0), None
    h, w = spatial_for(rng, ow, cf1)
    # The kernel stores the pack when both layers have the same groups (the
    # words are then laid out per group as the kernel computes them).
    y, dot, eo = ch.input_conv((n, h, w, c), B.BIN, cf1,
                               first=True if g1 == g2 else None)
    t, bits = ch.threshold(y, dot, eo, tau_kind)
    if o2 is None:
        o2 = [3, 5, 7, 64, 65][ch.r(0, 4)] * g2
    cf2 = rand_conv(rng, o2, g2, h=bits.shape[1], w=bits.shape[2],
                    kmax=2 if o1 * o2 > 10000 else 3)
    z, dot2, eo2 = ch.conv(t, bits, B.BIN, cf2)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def int8_case(b, rng, label, ex, c, cf1, hw, n=1, tau_kind="mixed"):
    """int8/uint8 conv2d (constant int8 weights) -> threshold -> binary
    conv2d."""
    ch = Chain(b, rng, label).begin()
    ew = B.Elt("int", [2.0 ** -ch.r(3, 6)])
    # With an input zero point too: the kernel adds the per-channel offsets
    # in its registers before the comparison.
    y, dot, eo = ch.input_conv((n, hw[0], hw[1], c), ex, cf1, ew=ew,
                               first=True)
    t, bits = ch.threshold(y, dot, eo, tau_kind)
    cf2 = rand_conv(rng, ch.r(3, 9), h=bits.shape[1], w=bits.shape[2])
    z, dot2, eo2 = ch.conv(t, bits, B.BIN, cf2)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def mm_case(b, rng, label, xs, n, p, tau_kind="mixed", ex=B.BIN):
    """matmul -> threshold -> binary matmul (lhs [M, K] or [B, M, K])."""
    ch = Chain(b, rng, label).begin()
    ew = B.BIN if ex is B.BIN else B.Elt("int", [2.0 ** -ch.r(3, 6)])
    av = ex.rand(rng, xs)
    a = ch.input(av, ex)
    y, dot, eo = ch.matmul(a, av, ex, n, ew=ew, first=True)
    t, bits = ch.threshold(y, dot, eo, tau_kind)
    z, dot2, eo2 = ch.matmul(t, bits, B.BIN, p)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def pool_case(b, rng, label, c, o1, hw, cf1, kernel, strides, padding, n=1,
              tau_kind="mixed", g2=1):
    """binary conv2d -> threshold -> max_pool2d -> binary conv2d."""
    ch = Chain(b, rng, label).begin()
    y, dot, eo = ch.input_conv((n, hw[0], hw[1], c), B.BIN, cf1, first=True)
    t, bits = ch.threshold(y, dot, eo, tau_kind)
    p, pooled = ch.pool(t, bits, kernel, strides, padding)
    cf2 = rand_conv(rng, ch.r(2, 6) * g2, g2, h=pooled.shape[1],
                    w=pooled.shape[2])
    z, dot2, eo2 = ch.conv(p, pooled, B.BIN, cf2)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def tern_case(b, rng, label, ex, c, o1, ow, s, tau_kind, ew2, layer="conv"):
    """binary or ternary conv2d (matmul) -> two-level threshold (a ternary
    result: sign and mask planes) -> conv2d (matmul) with ternary
    activations and ternary or binary weights."""
    ch = Chain(b, rng, label).begin()
    if layer == "matmul":
        av = ex.rand(rng, (ow, c))
        a = ch.input(av, ex)
        y, dot, eo = ch.matmul(a, av, ex, o1, ew=ex, first=True)
        t, vals = ch.threshold(y, dot, eo, tau_kind, levels=2)
        z, dot2, eo2 = ch.matmul(t, vals, B.TERN, 20, ew=ew2)
    else:
        cf1 = Conv(o1, (3, 3), (s, s), (1, 1, 1, 1),
                   "one" if ex is B.BIN else None)
        h, w = spatial_for(rng, ow, cf1)
        y, dot, eo = ch.input_conv((1, h, w, c), ex, cf1, ew=ex, first=True)
        t, vals = ch.threshold(y, dot, eo, tau_kind, levels=2)
        cf2 = Conv(ch.r(3, 24), (3, 3), (1, 1), (1, 1, 1, 1))
        z, dot2, eo2 = ch.conv(t, vals, B.TERN, cf2, ew=ew2)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def int8_tern_case(b, rng, label, c, cf1, hw):
    """int8 conv2d -> two-level threshold -> ternary conv2d: the int8 kernel
    stores both planes."""
    ch = Chain(b, rng, label).begin()
    ex = B.Elt("int", [0.25])
    ew = B.Elt("int", [2.0 ** -ch.r(3, 6)])
    y, dot, eo = ch.input_conv((1, hw[0], hw[1], c), ex, cf1, ew=ew,
                               first=True)
    t, vals = ch.threshold(y, dot, eo, "mixed", levels=2)
    cf2 = Conv(ch.r(3, 9), (3, 3), (1, 1), (1, 1, 1, 1))
    z, dot2, eo2 = ch.conv(t, vals, B.TERN, cf2, ew=B.TERN)
    ch.print_acc(z, dot2, eo2)
    ch.finish()


def multi_cases(b, rng):
    # The binary result feeds two binary convs (both printed): the
    # accumulator is packed twice, by packs no kernel may take over.
    ch = Chain(b, rng, "multi-two-convs").begin()
    y, dot, eo = ch.input_conv(
        (1, 5, 7, 70), B.BIN, Conv(65, (3, 3), (1, 1), (1, 1, 1, 1), "one"),
        first=False)
    t, bits = ch.threshold(y, dot, eo)
    z1, d1, e1 = ch.conv(t, bits, B.BIN, Conv(5, (3, 3), (1, 1),
                                              (1, 1, 1, 1), "zero"))
    ch.print_acc(z1, d1, e1, "-a")
    z2, d2, e2 = ch.conv(t, bits, B.BIN, Conv(3, (1, 2), (1, 2)))
    ch.print_acc(z2, d2, e2, "-b")
    ch.finish()

    # The binary result feeds a conv and is printed unpacked.
    ch = Chain(b, rng, "multi-print-bits").begin()
    y, dot, eo = ch.input_conv(
        (2, 4, 6, 64), B.BIN, Conv(70, (2, 2), (1, 1), (1, 0, 0, 1), "zero"),
        first=False)
    t, bits = ch.threshold(y, dot, eo)
    z, d2, e2 = ch.conv(t, bits, B.BIN, Conv(4, (3, 3), (2, 1),
                                             (1, 1, 1, 1), "one"))
    ch.print_acc(z, d2, e2, "-conv")
    ch.print_bits(t, bits, "-bits")
    ch.finish()

    # The accumulator is printed and thresholded.
    ch = Chain(b, rng, "multi-print-acc").begin()
    y, dot, eo = ch.input_conv(
        (1, 3, 9, 130), B.BIN, Conv(20, (1, 3), (1, 1), (0, 0, 1, 1), "one"),
        first=False)
    t, bits = ch.threshold(y, dot, eo)
    z, d2, e2 = ch.conv(t, bits, B.BIN, Conv(6, (3, 3), (1, 1), (1, 1, 1, 1),
                                             "zero"))
    ch.print_acc(z, d2, e2, "-conv")
    ch.print_acc(y, dot, eo, "-acc")
    ch.finish()

    # Three layers: the middle conv reads a pack and is packed itself.
    ch = Chain(b, rng, "multi-three-layers").begin()
    y, dot, eo = ch.input_conv(
        (1, 6, 6, 65), B.BIN, Conv(64, (3, 3), (1, 1), (1, 1, 1, 1), "one"),
        first=True)
    t, bits = ch.threshold(y, dot, eo)
    y2, dot2, eo2 = ch.conv(t, bits, B.BIN, Conv(70, (3, 3), (1, 1),
                                                 (1, 1, 1, 1), "zero"),
                            first=True)
    t2, bits2 = ch.threshold(y2, dot2, eo2)
    z, d3, e3 = ch.conv(t2, bits2, B.BIN, Conv(5, (3, 3), (2, 2),
                                               (1, 1, 1, 1), "one"))
    ch.print_acc(z, d3, e3)
    ch.finish()


def generate(b, rng):
    # binary conv2d -> threshold -> binary conv2d.
    #     label             C    O1   OW  S  pad1    g1 g2 N  tau
    bb = [("bb-c20-o70",    20,  70,  7,  1, "one",  1, 1, 1, "mixed"),
          ("bb-c64-o64",    64,  64,  9,  1, "zero", 1, 1, 2, "mixed"),
          ("bb-c70-o130",   70,  130, 7,  2, "one",  1, 1, 1, "mixed"),
          ("bb-c128-o128",  128, 128, 14, 1, "zero", 1, 1, 1, "mixed"),
          ("bb-c130-o20",   130, 20,  5,  2, "zero", 1, 1, 2, "mixed"),
          ("bb-c64-o65-w1", 64,  65,  1,  1, None,   1, 1, 1, "mixed"),
          ("bb-c20-o64-w2", 20,  64,  2,  2, "one",  1, 1, 2, "shared"),
          ("bb-c70-o70-w3", 70,  70,  3,  1, "zero", 1, 1, 1, "extreme"),
          ("bb-c65-o7-w4",  65,  7,   4,  1, "one",  1, 1, 1, "mixed"),
          # Groups 2 in both layers (64 and 70 channels per group), in the
          # first only (64 per group), in the second only (65 and 20).
          ("bb-c128-o128-g2g2", 128, 128, 6, 1, "one", 2, 2, 1, "mixed"),
          ("bb-c130-o140-g2g2", 130, 140, 8, 1, "zero", 2, 2, 2, "mixed"),
          ("bb-c128-o128-g2g1", 128, 128, 5, 1, "one", 2, 1, 1, "mixed"),
          ("bb-c70-o130-g1g2", 70, 130, 3, 2, "zero", 1, 2, 2, "mixed"),
          ("bb-c20-o40-g1g2", 20, 40, 14, 1, "one", 1, 2, 1, "shared")]
    for args in bb:
        bb_case(b, rng, *args)

    # int8 / uint8 first layers.
    i8 = B.Elt("int", [0.125])
    int8_case(b, rng, "i8-rgb-7x7", i8, 3,
              Conv(64, (7, 7), (2, 2), (3, 3, 3, 3)), (12, 12))
    int8_case(b, rng, "i8-rgb-3x3", B.Elt("int", [0.25]), 3,
              Conv(70, (3, 3), (2, 2), (1, 1, 1, 1)), (12, 12), n=2)
    int8_case(b, rng, "u8-rgb-3x3", B.Elt("int", [2.0 ** -7], zp=128,
                                          signed=False), 3,
              Conv(65, (3, 3), (2, 2), (1, 0, 1, 0)), (12, 12))
    int8_case(b, rng, "i8-zp-c20-o130", B.Elt("int", [0.5], zp=-7), 20,
              Conv(130, (2, 2), (1, 1), (0, 1, 0, 1)), (4, 7),
              tau_kind="shared")
    int8_case(b, rng, "i8-c64-o20-extreme", i8, 64,
              Conv(20, (1, 1), (1, 2)), (3, 9), tau_kind="extreme")
    mm_case(b, rng, "i8-mm-m5-k70-n64", (5, 70), 64, 9, ex=i8)

    # binary matmul -> threshold -> binary matmul.
    mm_case(b, rng, "mm-m1-k20-n70", (1, 20), 70, 5)
    mm_case(b, rng, "mm-m5-k64-n64", (5, 64), 64, 9)
    mm_case(b, rng, "mm-m9-k130-n128", (9, 130), 128, 65)
    mm_case(b, rng, "mm-m3-k70-n130-shared", (3, 70), 130, 3, "shared")
    mm_case(b, rng, "mm-m7-k128-n20-extreme", (7, 128), 20, 64, "extreme")
    mm_case(b, rng, "mm-batched-2x4-k65-n64", (2, 4, 65), 64, 7)

    # binary conv2d -> threshold -> max_pool2d -> binary conv2d.
    pool_case(b, rng, "pool-c64-o70-2x2", 64, 70, (8, 8),
              Conv(70, (3, 3), (1, 1), (1, 1, 1, 1), "one"), (2, 2), (2, 2),
              (0, 0, 0, 0))
    pool_case(b, rng, "pool-c20-o128-3x3s2", 20, 128, (7, 9),
              Conv(128, (3, 3), (1, 1), (1, 1, 1, 1), "zero"), (3, 3),
              (2, 2), (1, 1, 1, 1), n=2)
    pool_case(b, rng, "pool-c130-o64-shared", 130, 64, (5, 6),
              Conv(64, (2, 2), (1, 1), (0, 1, 0, 1), "zero"), (2, 2), (1, 1),
              (0, 0, 0, 0), tau_kind="shared", g2=2)

    multi_cases(b, rng)

    # Ternary activations between layers: two-level thresholds whose sign
    # and mask planes the kernels store.
    tern_case(b, rng, "tern-bin-c64-o70-w7", B.BIN, 64, 70, 7, 1, "mixed",
              B.TERN)
    tern_case(b, rng, "tern-tern-c70-o128-w5", B.TERN, 70, 128, 5, 2,
              "shared", B.BIN)
    tern_case(b, rng, "tern-tern-c128-o64-w14", B.TERN, 128, 64, 14, 1,
              "extreme", B.TERN)
    tern_case(b, rng, "tern-mm-k130-n65", B.BIN, 130, 65, 6, 1, "mixed",
              B.TERN, layer="matmul")
    int8_tern_case(b, rng, "i8-tern-rgb-3x3", 3,
                   Conv(64, (3, 3), (2, 2), (1, 1, 1, 1)), (12, 12))


def check_stored(prefix, path):
    """The kernel build's --report remarks (in `path`): 'packed sign stored'
    at each layer the module marks "yes", not at those marked "no"."""
    lines = open(prefix + ".mlir").read().splitlines()
    marked = []
    label = "?"
    for i, line in enumerate(lines):
        text = line.strip()
        if text.startswith(EXPECT):
            # The op is on the next line (1-based: i + 2).
            marked.append((label, i + 2, text.endswith("yes")))
        elif text.startswith("// ") and ": " in text:
            label = text[3:].split(": ")[0]
    stored = set()
    for m in re.finditer(r":(\d+):\d+: remark: ([^\n]*)",
                         open(path).read()):
        if "packed sign stored" in m.group(2):
            stored.add(int(m.group(1)))
    errors = []
    if not marked:
        errors.append("no layers marked in %s.mlir" % prefix)
    for label, line, want in marked:
        if (line in stored) != want:
            errors.append("%s: the layer at line %d %s" % (
                label, line,
                "has no 'packed sign stored' remark (expected the kernel "
                "to store the threshold pack)" if want else
                "stores the packed sign, but its result has other readers"))
    return B.report_ir_check(
        errors, path, "kernel remarks ok: %d layers checked, %d store the "
        "packed sign" % (len(marked), sum(w for _, _, w in marked)))


if __name__ == "__main__":
    B.main(generate, seed=2024, extra_checks={"stored": check_stored})
