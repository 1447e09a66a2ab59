"""Case generator shared by conv2d_binary.py and conv2d_mixed.py (a helper
module, not a test): lowbit.conv2d with binary/ternary operands against a
numpy cross-correlation of the unpacked values with explicit padding taps."""

import numpy as np

import binref as B

CHANNELS = [1, 3, 7, 65, 70]


def p2(rng, lo=-4, hi=1):
    return 2.0 ** int(rng.integers(lo, hi + 1))


class Conf:
    def __init__(self, ka, kw, pad_value, c, o, groups=1, kernel=(3, 3),
                 strides=(1, 1), dilations=(1, 1), padding=(0, 0, 0, 0),
                 n=1, hw=(5, 6)):
        self.__dict__.update(locals())
        del self.__dict__["self"]


def rand_conf(rng, ka, kw, pad_value, c=None, groups=None, mult=None):
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    if c is None:
        c = CHANNELS[r(0, len(CHANNELS) - 1)]
    if groups is None:
        groups = 1
    if mult is not None:
        o = c * mult
    else:
        o = groups * r(1, 3) if groups > 1 else r(1, 6) * 2 - 1
    kh, kw_ = r(1, 3), r(1, 3)
    st = (r(1, 2), r(1, 2))
    dl = (r(1, 2), r(1, 2))
    pad = tuple(r(0, 2) for _ in range(4)) if rng.random() < 0.85 else \
        (0, 0, 0, 0)
    if pad_value is not None and pad == (0, 0, 0, 0):
        pad = (1, 0, 0, 2)
    n = r(1, 2)
    # Spatial sizes keeping the output non-empty and the work small.
    small = c >= 65
    h = r(max(1, dl[0] * (kh - 1) + 1 - pad[0] - pad[1]), 5 if small else 8)
    w = r(max(1, dl[1] * (kw_ - 1) + 1 - pad[2] - pad[3]), 5 if small else 8)
    return Conf(ka, kw, pad_value, c, o, groups, (kh, kw_), st, dl, pad, n,
                (h, w))


def operand(kind, rng, scaled, channels=None):
    if kind == "i8":
        return B.Elt("int", [p2(rng) if scaled else 1.0],
                     zp=int(rng.integers(-25, 26)) or 5)
    if kind == "u8":
        return B.Elt("int", [p2(rng) if scaled else 1.0],
                     zp=int(rng.integers(100, 156)), signed=False)
    if kind == "i8c":
        # int8 filter per output channel, each with its zero point.
        return B.Elt("int", [p2(rng) if scaled else 1.0
                             for _ in range(channels)], axis=0,
                     zp=[int(z) for z in rng.integers(-25, 26,
                                                      size=channels)])
    if channels:
        return B.Elt(kind, [p2(rng) for _ in range(channels)], axis=0)
    return B.Elt(kind, [p2(rng) if scaled else 1.0])


def case(b, rng, cf, result, label):
    ea = operand(cf.ka, rng, result != "raw")
    per_channel = (result != "raw" and cf.kw in ("bin", "tern") and
                   rng.random() < 0.8) or cf.kw == "i8c"
    ew = operand(cf.kw, rng, result != "raw",
                 channels=cf.o if per_channel else None)
    cg = cf.c // cf.groups
    xs = (cf.n, cf.hw[0], cf.hw[1], cf.c)
    ws = (cf.o, cf.kernel[0], cf.kernel[1], cg)
    x = ea.rand(rng, xs)
    w = ew.rand(rng, ws)
    pad_real = 1 if cf.pad_value == "one" else 0
    dot = B.conv2d_ref(ea.centered(x), ew.centered(w), cf.strides,
                       cf.dilations, cf.padding, cf.groups, pad_real)
    if dot.size * np.prod(ws) < 60000:
        naive = B.conv2d_naive(ea.centered(x), ew.centered(w), cf.strides,
                               cf.dilations, cf.padding, cf.groups, pad_real)
        assert (naive == dot).all()
    o = cf.o
    sx = ea.scale()
    sw = [ew.scale(ch) for ch in range(o)]
    attrs = B.conv_attrs(cf.strides, cf.dilations, cf.padding, cf.pad_value,
                         cf.groups, cf.strides != (1, 1) or rng.random() < 0.3)
    # Some cases compute the operands at run time (lowbit.quantize of f32
    # constants): no compile-time packing of a constant filter.
    runtime = rng.random() < 0.3
    mk = b.runtime if runtime else b.const
    cx = mk(x, ea)
    cw = mk(w, ew)
    sb = bt = ""
    bias = None
    act = None
    acc = dot
    flat = dot.reshape(-1, o)
    if result == "scaled" and rng.random() < 0.85:
        bias = (rng.integers(-40, 41, size=o) / 8.0).astype(np.float32)
        for ch in range(o):
            if rng.random() < 0.5:
                v = flat[int(rng.integers(len(flat))), ch]
                bias[ch] = -np.float32(v) * (np.float32(sx) *
                                             np.float32(sw[ch]))
        sb = " bias " + b.fconst(bias)
        bt = ", " + B.tensor_str((o,), "f32")
        act = [None, "relu", "relu6", ("clamp", -1.5, 2.25)][
            int(rng.integers(4))]
    elif result in ("sign", "int8") and rng.random() < 0.8:
        ib = rng.integers(-3, 4, size=o)
        for ch in range(o):
            if rng.random() < 0.6:
                ib[ch] = -flat[int(rng.integers(len(flat))), ch]
        bs = [sx * s for s in sw] if ew.per_channel else [sx * sw[0]]
        eb = B.Elt("int", bs,
                   axis=0 if ew.per_channel else None, bits=32)
        sb = " bias " + b.const(ib, eb)
        bt = ", " + B.tensor_str((o,), eb)
        acc = dot + ib
        bias = ib
    if result == "sign":
        eo = B.BIN if rng.random() < 0.7 else B.Elt("bin", [0.5])
    elif result == "int8":
        spread = max(1.0, float(np.abs(acc).max()))
        if rng.random() < 0.5:
            j = max(1, int(round(np.log2(spread / 100.0))))
            so = sx * sw[0] * 2.0 ** j
        else:
            so = float(np.float32(sx * sw[0] * spread / 110.0 *
                                  rng.uniform(0.7, 1.3)))
        eo = B.Elt("int", [so], zp=int(rng.integers(-15, 16)))
        act = [None, "relu"][int(rng.integers(2))]
    else:
        eo = B.F32
    r = b.fresh("r")
    types = "%s, %s%s -> %s" % (B.tensor_str(xs, ea), B.tensor_str(ws, ew),
                                bt, B.tensor_str(dot.shape, eo))
    desc = "lowbit.conv2d%s%s%s : %s" % (sb and " bias", attrs,
                                         B.act_str(act), types)
    if runtime:
        label += "-rt"
        desc += "  [operands computed at run time]"
    b.comment(label + ": " + desc)
    b.emit("%s = lowbit.conv2d %s, %s%s%s%s : %s" % (
        r, cx, cw, sb, attrs, B.act_str(act), types))
    inputs = {"input": x, "filter": w}
    if bias is not None:
        inputs["bias"] = bias
    if result == "sign":
        b.print_dequant(r, dot.shape, eo,
                        B.sign_of(B.float_epilogue(acc, sx, sw)), label,
                        desc, inputs)
    elif result == "int8":
        b.print_stored(r, dot.shape, eo,
                       B.requant_ref(acc, sx, sw, eo, "fixed", act),
                       label, desc, inputs)
    else:
        b.print_f32(r, dot.shape, B.float_epilogue(dot, sx, sw, bias, act),
                    label, desc, inputs)


def binary_confs(rng):
    """Binary input x binary filter."""
    confs = []
    for pv in ("one", "zero"):
        # Every channel count.
        for c in CHANNELS:
            confs.append(("bb-%s-c%d" % (pv, c),
                          rand_conf(rng, "bin", "bin", pv, c=c)))
        # Fixed shapes: asymmetric padding, stride 2, dilation 2.
        confs.append(("bb-%s-asym" % pv,
                      Conf("bin", "bin", pv, 7, 5, kernel=(3, 2),
                           strides=(2, 1), dilations=(1, 2),
                           padding=(2, 0, 1, 3), n=2, hw=(6, 5))))
        confs.append(("bb-%s-big-pad" % pv,
                      Conf("bin", "bin", pv, 65, 3, kernel=(3, 3),
                           strides=(2, 2), dilations=(2, 2),
                           padding=(2, 1, 0, 2), hw=(4, 5))))
        # Kernel larger than the input: most taps are padding.
        confs.append(("bb-%s-tiny-input" % pv,
                      Conf("bin", "bin", pv, 3, 4, kernel=(3, 3),
                           padding=(2, 2, 1, 2), n=2, hw=(1, 2))))
        # Groups and depthwise with a multiplier.
        confs.append(("bb-%s-g2-c70" % pv,
                      rand_conf(rng, "bin", "bin", pv, c=70, groups=2)))
        confs.append(("bb-%s-g3-c3" % pv,
                      rand_conf(rng, "bin", "bin", pv, c=3, groups=3)))
        confs.append(("bb-%s-dw7x2" % pv,
                      rand_conf(rng, "bin", "bin", pv, c=7, groups=7, mult=2)))
        confs.append(("bb-%s-dw65" % pv,
                      rand_conf(rng, "bin", "bin", pv, c=65, groups=65,
                                mult=1)))
        confs.append(("bb-%s-g5-c65" % pv,
                      rand_conf(rng, "bin", "bin", pv, c=65, groups=5)))
    confs.append(("bb-nopad-default", Conf("bin", "bin", None, 70, 3,
                                           kernel=(2, 2), hw=(3, 4))))
    # Padding without pad_value: the default is the real zero.
    confs.append(("bb-pad-default-zero", Conf("bin", "bin", None, 7, 3,
                                              padding=(1, 1, 1, 1),
                                              hw=(3, 4))))
    return confs


def mixed_confs(rng):
    """Ternary operands and binary/ternary x integer."""
    confs = []
    # Ternary x ternary (zero padding).
    for c in CHANNELS:
        confs.append(("tt-c%d" % c, rand_conf(rng, "tern", "tern", "zero",
                                              c=c)))
    confs.append(("tt-dw3x2", rand_conf(rng, "tern", "tern", "zero", c=3,
                                        groups=3, mult=2)))
    confs.append(("tt-g2-c70", rand_conf(rng, "tern", "tern", "zero", c=70,
                                         groups=2)))
    # Ternary input x binary filter (zero padding).
    for c in (1, 7, 65, 70):
        confs.append(("tb-c%d" % c, rand_conf(rng, "tern", "bin", "zero",
                                              c=c)))
    confs.append(("tb-dw7", rand_conf(rng, "tern", "bin", "zero", c=7,
                                      groups=7, mult=1)))
    # Binary input x ternary filter (one and zero padding).
    for pv in ("one", "zero"):
        for c in (3, 65, 70):
            confs.append(("bt-%s-c%d" % (pv, c),
                          rand_conf(rng, "bin", "tern", pv, c=c)))
        confs.append(("bt-%s-g2-c70" % pv,
                      rand_conf(rng, "bin", "tern", pv, c=70, groups=2)))
        confs.append(("bt-%s-dw7x3" % pv,
                      rand_conf(rng, "bin", "tern", pv, c=7, groups=7,
                                mult=3)))
        confs.append(("bt-%s-tiny-input" % pv,
                      Conf("bin", "tern", pv, 7, 3, kernel=(3, 2),
                           padding=(2, 1, 1, 1), hw=(1, 1))))
    # int8 / uint8 input x binary / ternary filter (padding with the real 0,
    # i.e. the zero point).
    for kw in ("bin", "tern"):
        for c in (1, 7, 65):
            confs.append(("i8%s-c%d" % (kw[0], c),
                          rand_conf(rng, "i8", kw, "zero", c=c)))
        confs.append(("i8%s-dw7x2" % kw[0],
                      rand_conf(rng, "i8", kw, "zero", c=7, groups=7,
                                mult=2)))
        confs.append(("u8%s-c7" % kw[0],
                      rand_conf(rng, "u8", kw, "zero", c=7)))
    # Binary input (one and zero padding) / ternary input (zero padding) x
    # int8 filter.
    for c in (3, 70):
        confs.append(("bi8-one-c%d" % c, rand_conf(rng, "bin", "i8", "one",
                                                   c=c)))
        confs.append(("bi8-zero-c%d" % c, rand_conf(rng, "bin", "i8", "zero",
                                                    c=c)))
    # int8 filters quantized per output channel (scale and zero point
    # each) next to binary (one and zero padding) and ternary inputs.
    for ka, pv in (("bin", "one"), ("bin", "zero"), ("tern", "zero")):
        confs.append(("%si8c-%s" % (ka[0], pv),
                      rand_conf(rng, ka, "i8c", pv, c=70)))
        confs.append(("%si8c-%s-g2" % (ka[0], pv),
                      rand_conf(rng, ka, "i8c", pv, c=40, groups=2)))
        confs.append(("ti8-zero-c%d" % c, rand_conf(rng, "tern", "i8",
                                                    "zero", c=c)))
    return confs


def generate(b, rng, confs):
    if confs == "binary":
        confs = binary_confs(rng)
    else:
        confs = mixed_confs(rng)
    for label, cf in confs:
        case(b, rng, cf, "raw", "raw-" + label)
    # Epilogues on a random half of the shapes.
    for i, (label, cf) in enumerate(confs):
        result = ["scaled", "sign", "int8"][i % 3]
        if rng.random() < 0.5:
            case(b, rng, cf, result, "%s-%s" % (result, label))
