# --lowbit-fuse-thresholds on random graphs
#
#   conv2d / matmul (binary, ternary or int8 input, constant binary or ternary
#                    weights with per-channel scales, optional float bias and
#                    activation, f32 result; conv strides, dilations, one or
#                    zero padding, groups; matmul K 1-130, batched lhs)
#   -> none or more lowbit.mul / lowbit.add with per-channel (or splat) f32
#      constants (lowbit.constant or arith.constant), in any order, some
#      with act(relu) / act(relu6) / act(clamp, a, b); the mul constants
#      include negative entries and exact zeros
#   -> lowbit.sign (binary result), or lowbit.threshold with Cx1 (binary),
#      Cx2 (ternary), Cx3 or 1x3 (u2) f32 thresholds (lowbit.constant or
#      arith.constant; a few are +inf, -inf or NaN).
#
# Many graphs put a tie exactly on a reachable dot product (the last add
# cancels the value there, or a threshold equals it), where >= and > differ.
# Each module runs unfused and fused, and both must print the same bits and
# match a numpy float32 evaluation of the unfused graph on the exact dot
# products of the unpacked values. --lowbit-to-llvm fuses thresholds itself,
# so the unfused run lowers the matmul/conv2d ops first
# (--lowbit-lower-binary), which leaves the fusion nothing to match (checked
# on that IR: every graph still ends in an f32 sign/threshold). The fused IR
# must hold one lowbit.threshold on an i32 accumulator per graph and no
# lowbit.mul / lowbit.add / lowbit.sign.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-lower-binary %t.mlir > %t.unfused.mlir
# RUN: %python %s --extra unfused %t %t.unfused.mlir
# RUN: lowbit-opt --lowbit-to-llvm %t.unfused.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.unfused.out
# RUN: lowbit-opt --lowbit-fuse-thresholds --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fused.out
# RUN: %python %s --check %t --same %t.unfused.out %t.fused.out
# RUN: %python %s --check %t --out %t.unfused.out
# RUN: %python %s --check %t --out %t.fused.out
# RUN: lowbit-opt --lowbit-fuse-thresholds %t.mlir > %t.fused.mlir
# RUN: %python %s --extra fused %t %t.fused.mlir

import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402


def rand_scale(rng):
    """Power of two, or an arbitrary float32 (an XNOR-Net mean |W|)."""
    if rng.random() < 0.4:
        return 2.0 ** int(rng.integers(-5, 1))
    return float(np.float32(np.exp(rng.uniform(np.log(0.005), np.log(2.0)))))


def rand_act(rng, p=0.35):
    if rng.random() >= p:
        return None
    i = int(rng.integers(4))
    if i == 0:
        return "relu"
    if i == 1:
        return "relu6"
    lo = float(rng.integers(-16, 4)) / 4.0
    hi = lo + float(rng.integers(1, 24)) / 4.0
    return ("clamp", lo, hi)


class Graph:
    pass


def producer(b, rng, g):
    """Emits the conv2d/matmul; sets g.dot (exact int64), g.shape, g.c."""
    u = rng.random()
    ka = "bin" if u < 0.5 else ("tern" if u < 0.8 else "i8")
    kw = "bin" if rng.random() < 0.65 else "tern"
    sx = 1.0 if rng.random() < 0.4 else rand_scale(rng)
    # An int8 input (a first layer), with a zero point.
    ea = B.Elt("int", [sx], zp=int(rng.integers(-20, 21))) if ka == "i8" \
        else B.Elt(ka, [sx])
    g.is_conv = rng.random() < 0.5
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    if g.is_conv:
        c_in = [1, 3, 7, 16, 65, 70][r(0, 5)]
        groups = 1
        if c_in % 5 == 0 and rng.random() < 0.3:
            groups = 5
        elif rng.random() < 0.2:
            groups = c_in
        o = groups * r(1, 2) if groups > 1 else r(1, 9)
        kh, kw_ = r(1, 3), r(1, 3)
        st = (r(1, 2), r(1, 2))
        dl = (r(1, 2), r(1, 2)) if rng.random() < 0.3 else (1, 1)
        pad = tuple(r(0, 1) for _ in range(4))
        pv = "one" if ka == "bin" and rng.random() < 0.5 else "zero"
        n = r(1, 2)
        h, w = r(dl[0] * (kh - 1) + 1, 6), r(dl[1] * (kw_ - 1) + 1, 6)
        cg = c_in // groups
        xs, ws = (n, h, w, c_in), (o, kh, kw_, cg)
        ew = B.Elt(kw, [rand_scale(rng) for _ in range(o)], axis=0) \
            if rng.random() < 0.8 else B.Elt(kw, [rand_scale(rng)])
        x = ea.rand(rng, xs)
        wt = ew.rand(rng, ws)
        g.dot = B.conv2d_ref(ea.centered(x), wt, st, dl, pad, groups,
                             1 if pv == "one" else 0)
        g.k = kh * kw_ * cg
        g.c = o
        attrs = ""
        if st != (1, 1):
            attrs += " strides [%d, %d]" % st
        if dl != (1, 1):
            attrs += " dilations [%d, %d]" % dl
        if pad != (0, 0, 0, 0):
            attrs += " padding [%d, %d, %d, %d] pad_value %s" % (pad + (pv,))
        if groups > 1:
            attrs += " groups %d" % groups
        op = "lowbit.conv2d"
    else:
        k = [1, 5, 31, 63, 64, 65, 100, 130][r(0, 7)]
        m, n = r(1, 7), r(1, 9)
        xs = (r(2, 3), m, k) if rng.random() < 0.3 else (m, k)
        ws = (k, n)
        ew = B.Elt(kw, [rand_scale(rng) for _ in range(n)], axis=1) \
            if rng.random() < 0.8 else B.Elt(kw, [rand_scale(rng)])
        x = ea.rand(rng, xs)
        wt = ew.rand(rng, ws)
        g.dot = B.matmul_ref(ea.centered(x), wt)
        g.k = k
        g.c = n
        attrs = ""
        op = "lowbit.matmul"
    g.shape = g.dot.shape
    c = g.c
    g.sx = ea.scale()
    g.sw = np.array([ew.scale(ch) for ch in range(c)], np.float32)
    cx = b.const(x, ea)
    cw = b.const(wt, ew)
    g.bias = None
    sb = bt = ""
    if rng.random() < 0.6:
        typical = float(np.float32(g.sx) * np.mean(g.sw)) * np.sqrt(g.k)
        g.bias = (rng.normal(0, typical, size=c)).astype(np.float32)
        sb = " bias " + b.fconst(g.bias)
        bt = ", " + B.tensor_str((c,), "f32")
    g.prod_act = rand_act(rng, 0.25)
    g.y = b.fresh("y")
    g.ftype = B.tensor_str(g.shape, "f32")
    g.desc = "%s%s%s%s : %s, %s%s -> %s" % (
        op, sb and " bias", attrs, B.act_str(g.prod_act),
        B.tensor_str(xs, ea), B.tensor_str(ws, ew), bt, g.ftype)
    b.emit("%s = %s %s, %s%s%s%s : %s, %s%s -> %s" % (
        g.y, op, cx, cw, sb, attrs, B.act_str(g.prod_act),
        B.tensor_str(xs, ea), B.tensor_str(ws, ew), bt, g.ftype))
    g.inputs = {"input": x, "weights": wt}


def prod_value(g, dot, ch=None):
    """The producer's f32 result for dot products (channel-last array, or
    one channel)."""
    sw = g.sw if ch is None else g.sw[ch]
    s = np.float32(g.sx) * np.asarray(sw, np.float32)
    f = np.asarray(dot, np.float32) * s
    if g.bias is not None:
        f = f + (g.bias if ch is None else g.bias[ch])
    return B.apply_act_f32(np.asarray(f, np.float32), g.prod_act)


def apply_steps(g, f, steps, ch=None):
    for st in steps:
        v = st["values"]
        if ch is not None and v.size > 1:
            v = v[ch]
        elif v.size == 1:
            v = v.reshape(())
        f = f * v if st["kind"] == "mul" else f + v
        f = B.apply_act_f32(np.asarray(f, np.float32), st["act"])
    return np.asarray(f, np.float32)


def chain(g, dot, steps, ch=None):
    return apply_steps(g, prod_value(g, dot, ch), steps, ch)


def reachable(g, ch, rng):
    vals = g.dot[..., ch].ravel()
    return int(vals[int(rng.integers(len(vals)))])


def graph(b, rng, label):
    g = Graph()
    b.comment(label)
    producer(b, rng, g)
    c = g.c
    # Steps.
    steps = []
    nsteps = int(rng.integers(0, 4))
    for i in range(nsteps):
        kind = "mul" if rng.random() < 0.5 else "add"
        if kind == "mul":
            v = rng.normal(0, 1.5, size=c)
            zero = rng.random(c) < 0.2
            v[zero] = np.where(rng.random(c) < 0.5, 0.0, -0.0)[zero]
            if c > 1 and not (v < 0).any():
                v[int(rng.integers(c))] *= -1
        else:
            v = rng.normal(0, 2.0, size=c)
        v = v.astype(np.float32)
        if rng.random() < 0.1:
            v = np.array([v[0]], np.float32)       # splat / scalar
        steps.append({"kind": kind, "values": v, "act": rand_act(rng)})
    end = ["sign", "sign", "t3", "t3", "t1", "t2", "t3shared"][
        int(rng.integers(7))]
    tie = rng.random() < 0.7
    if end == "sign" and tie:
        # A final per-channel add that cancels the value of a reachable dot
        # product exactly: z == 0 there (sign(0) = +1).
        if not steps or steps[-1]["kind"] != "add" or \
                steps[-1]["values"].size == 1:
            steps.append({"kind": "add", "values": np.zeros(c, np.float32),
                          "act": None})
        last = steps[-1]
        if isinstance(last["act"], tuple) and not (
                last["act"][1] <= 0 <= last["act"][2]):
            last["act"] = None
        for ch in range(c):
            d0 = reachable(g, ch, rng)
            before = chain(g, np.array(d0), steps[:-1], ch)
            last["values"][ch] = -before
    # Emit the steps.
    cur = g.y
    for st in steps:
        v = st["values"]
        style = int(rng.integers(3))
        if v.size == 1:
            cshape = (1,)
        elif style == 2:
            cshape = (1,) * (len(g.shape) - 1) + (c,)
        else:
            cshape = (c,)
        cc = b.fconst(np.broadcast_to(v, cshape), arith=rng.random() < 0.3)
        nxt = b.fresh("z")
        a, bb = (cur, cc) if rng.random() < 0.7 else (cc, cur)
        ta = g.ftype if a == cur else B.tensor_str(cshape, "f32")
        tb = g.ftype if bb == cur else B.tensor_str(cshape, "f32")
        b.emit("%s = lowbit.%s %s, %s%s : %s, %s -> %s" % (
            nxt, st["kind"], a, bb, B.act_str(st["act"]), ta, tb, g.ftype))
        cur = nxt
    z = chain(g, g.dot, steps)
    desc = g.desc + "".join(
        " -> %s%s%s" % (st["kind"],
                        "[splat]" if st["values"].size == 1 else "",
                        B.act_str(st["act"])) for st in steps)
    res = b.fresh("t")
    if end == "sign":
        eo = B.BIN
        b.emit("%s = lowbit.sign %s : %s -> %s" % (
            res, cur, g.ftype, B.tensor_str(g.shape, eo)))
        stored = B.sign_of(z)
        desc += " -> sign"
        thr = None
    else:
        nl = {"t1": 1, "t2": 2, "t3": 3, "t3shared": 3}[end]
        rows = 1 if end == "t3shared" else c
        thr = np.zeros((rows, nl), np.float32)
        zf = z.reshape(-1, c)
        for r_ in range(rows):
            for l in range(nl):
                if tie and rng.random() < 0.7:
                    thr[r_, l] = chain(g, np.array(reachable(g, r_, rng)),
                                       steps, r_)
                else:
                    col = zf[:, r_]
                    lo, hi = float(col.min()), float(col.max())
                    span = max(hi - lo, 1e-3)
                    thr[r_, l] = np.float32(rng.uniform(lo - 0.1 * span,
                                                        hi + 0.1 * span))
                if rng.random() < 0.04:
                    # Never / always / never (NaN compares false).
                    thr[r_, l] = [np.inf, -np.inf, np.nan][
                        int(rng.integers(3))]
            if rng.random() < 0.7:
                thr[r_].sort()
        tc = b.fconst(thr, arith=rng.random() < 0.5)
        if nl == 1:
            eo = B.BIN
        elif nl == 2:
            eo = B.TERN
        else:
            eo = B.Elt("int", [1.0], zp=0, bits=2, signed=False)
        b.emit("%s = lowbit.threshold %s, %s : %s, %s -> %s" % (
            res, cur, tc, g.ftype, B.tensor_str(thr.shape, "f32"),
            B.tensor_str(g.shape, eo)))
        t = thr if rows > 1 else np.broadcast_to(thr, (c, nl))
        count = (z[..., None] >= t).sum(axis=-1)
        if nl == 1:
            stored = np.where(count == 1, 1, -1)
        elif nl == 2:
            stored = count - 1
        else:
            stored = count
        desc += " -> threshold %dx%d" % thr.shape
    inputs = dict(g.inputs)
    inputs["dot"] = g.dot
    if g.bias is not None:
        inputs["bias"] = g.bias
    for i, st in enumerate(steps):
        inputs["step%d_%s" % (i, st["kind"])] = st["values"]
    if thr is not None:
        inputs["thresholds"] = thr
    inputs["z_unfused"] = z
    b.print_dequant(res, g.shape, eo, stored, label, desc, inputs)


NGRAPHS = 48


def generate(b, rng):
    for i in range(NGRAPHS):
        graph(b, rng, "graph%d" % i)


def check_fused(prefix, path):
    """The fused IR: every graph ends in one lowbit.threshold on an i32
    accumulator (the k-th threshold belongs to the k-th graph: the pass keeps
    the order), with no float epilogue ops left."""
    with open(prefix + ".json") as f:
        graphs = json.load(f)["outputs"]
    text = open(path).read()
    defs = {}
    for m in re.finditer(r"^\s*(%[\w#]+) = (\S+)", text, re.M):
        defs[m.group(1)] = m.group(2)
    errors = []
    ends = re.findall(r"^\s*%\S+ = (lowbit\.(?:threshold|sign) [^\n]*)",
                      text, re.M)
    if len(ends) != len(graphs):
        errors.append("%d lowbit.threshold/sign ops, expected %d" % (
            len(ends), len(graphs)))
    for g, end in zip(graphs, ends):
        operands = end.split(":")[0].split()[1:]
        operands = [o.rstrip(",") for o in operands]
        if end.startswith("lowbit.sign") or \
                "!quant.uniform<i32" not in end.split(":")[1]:
            what = "lowbit.sign" if end.startswith("lowbit.sign") else \
                "lowbit.threshold (thresholds operand from %s)" % defs.get(
                    operands[1], "?")
            errors.append("%s not fused: %s left on the f32 value\n"
                          "    graph: %s" % (g["label"], what, g["desc"]))
    for op in ("lowbit.mul", "lowbit.add"):
        n = len(re.findall(r"= %s " % op, text))
        if n:
            errors.append("%d %s ops left (in unfused graphs)" % (n, op))
    # Every fused end needs a fused producer: an i32 accumulator without
    # bias or activation (producers of unfused graphs are reported above).
    fused_ends = sum(1 for e in ends if e.startswith("lowbit.threshold") and
                     "!quant.uniform<i32" in e.split(":")[1])
    prods = re.findall(r"= (lowbit\.(?:matmul|conv2d) [^\n]*)", text)
    fused_prods = [p for p in prods
                   if "!quant.uniform<i32" in p.split("->")[-1]]
    if len(fused_prods) != fused_ends:
        errors.append("%d producers with an i32 accumulator for %d fused "
                      "thresholds" % (len(fused_prods), fused_ends))
    for p in fused_prods:
        if " bias " in p or " act(" in p:
            errors.append("fused producer keeps a bias/activation: " + p)
    return B.report_ir_check(
        errors, path,
        "fused IR ok: %d graphs, each one lowbit.threshold on an i32 "
        "accumulator" % len(graphs))


def check_unfused(prefix, path):
    """The IR the unfused run lowers: every graph still ends in a
    lowbit.sign / lowbit.threshold on its f32 value."""
    with open(prefix + ".json") as f:
        graphs = json.load(f)["outputs"]
    text = open(path).read()
    ends = re.findall(r"= (lowbit\.(?:threshold|sign) [^\n]*)", text)
    f32_ends = [e for e in ends
                if re.match(r"tensor<[0-9x]*xf32>", e.split(":")[1].strip())]
    if len(f32_ends) != len(graphs):
        print("error: %d graphs end in an f32 sign/threshold in %s, "
              "expected %d (fused before the unfused run?)" % (
                  len(f32_ends), path, len(graphs)))
        return 1
    print("unfused IR ok: %d graphs end in an f32 sign/threshold" %
          len(graphs))
    return 0


if __name__ == "__main__":
    B.main(generate, seed=31337,
           extra_checks={"fused": check_fused, "unfused": check_unfused})
