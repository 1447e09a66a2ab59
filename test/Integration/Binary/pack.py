# lowbit.pack / lowbit.unpack: binary values pack into one word plane,
# ternary values into a mask plane (bit 1 where nonzero) and a sign plane
# (bit 1 where -1), along the last axis, least-significant bit first, tail
# bits 0; K = 1, 63, 64, 65, 100 with i8, i16, i32 and i64 words, rank 2, 3
# (and 1). Checks the packed words against a numpy packing (printed sign
# extended; i64 with printMemrefI64), the pack -> unpack round trip, and
# unpacking words built by numpy (constants) back to values.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.out
# RUN: %python %s --check %t --out %t.out

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

KS = [1, 63, 64, 65, 100]
WORDS = [8, 16, 32, 64]


def self_check():
    """pack_ref against numpy.packbits (little bit order)."""
    rng = np.random.default_rng(0)
    for k in (1, 7, 8, 9, 64, 65):
        x = rng.choice([-1, 1], size=(3, k))
        ref = B.pack_ref(x, 8)
        pb = np.packbits((x < 0).astype(np.uint8), axis=-1, bitorder="little")
        assert (np.asarray(ref, np.int64) == pb.astype(np.int8)).all()


def case(b, rng, kind, shape, word, label):
    k = shape[-1]
    kw = -(-k // word)
    wshape = shape[:-1] + (kw,)
    ity = "i%d" % word
    wt = B.tensor_str(wshape, ity)
    scale = [1.0, 0.5, 2.0][int(rng.integers(3))]
    e = B.Elt(kind, [scale])
    # Biased draws so that all-(-1) and all-zero words occur too.
    if kind == "bin":
        p = [0.5, 0.9, 0.1][int(rng.integers(3))]
        x = np.where(rng.random(shape) < p, -1, 1)
    else:
        x = e.rand(rng, shape, p_zero=float(rng.choice([0.1, 0.5, 0.9])))
    cx = b.const(x, e)
    xt = B.tensor_str(shape, e)
    inputs = {"values": x}
    if kind == "bin":
        p = b.fresh("p")
        desc = "lowbit.pack : %s -> %s" % (xt, wt)
        b.comment(label + ": " + desc)
        b.emit("%s = lowbit.pack %s : %s -> %s" % (p, cx, xt, wt))
        b.print_words(p, wshape, word, B.pack_ref(x, word), label + "-words",
                      desc, inputs)
        u = b.fresh("u")
        b.emit("%s = lowbit.unpack %s : %s -> %s" % (u, p, wt, xt))
        b.print_dequant(u, shape, e, x, label + "-roundtrip",
                        "lowbit.unpack(lowbit.pack) : %s" % xt, inputs)
        # Unpack numpy-packed words of other values.
        y = rng.choice([-1, 1], size=shape)
        cw = b.iconst(B.pack_ref(y, word), ity)
        v = b.fresh("v")
        b.emit("%s = lowbit.unpack %s : %s -> %s" % (v, cw, wt, xt))
        b.print_dequant(v, shape, e, y, label + "-unpack",
                        "lowbit.unpack : %s -> %s" % (wt, xt),
                        {"values": y})
        return
    m, s = b.fresh("pm"), b.fresh("ps")
    desc = "lowbit.pack : %s -> %s, %s" % (xt, wt, wt)
    b.comment(label + ": " + desc)
    b.emit("%s, %s = lowbit.pack %s : %s -> %s, %s" % (m, s, cx, xt, wt, wt))
    b.print_words(m, wshape, word, B.pack_ref(x, word, "mask"),
                  label + "-mask", desc + " (mask)", inputs)
    b.print_words(s, wshape, word, B.pack_ref(x, word, "sign"),
                  label + "-sign", desc + " (sign)", inputs)
    u = b.fresh("u")
    b.emit("%s = lowbit.unpack %s, %s : %s, %s -> %s" % (u, m, s, wt, wt, xt))
    b.print_dequant(u, shape, e, x, label + "-roundtrip",
                    "lowbit.unpack(lowbit.pack) : %s" % xt, inputs)
    y = e.rand(rng, shape)
    cm = b.iconst(B.pack_ref(y, word, "mask"), ity)
    cs = b.iconst(B.pack_ref(y, word, "sign"), ity)
    v = b.fresh("v")
    b.emit("%s = lowbit.unpack %s, %s : %s, %s -> %s" % (v, cm, cs, wt, wt,
                                                         xt))
    b.print_dequant(v, shape, e, y, label + "-unpack",
                    "lowbit.unpack : %s, %s -> %s" % (wt, wt, xt),
                    {"values": y})


def generate(b, rng):
    self_check()
    for kind in ("bin", "tern"):
        for k in KS:
            for word in WORDS:
                rows = int(rng.integers(1, 4)) * 2 - 1
                shape = (rows, k) if rng.random() < 0.6 else (2, rows, k)
                case(b, rng, kind, shape, word,
                     "%s-k%d-i%d" % (kind, k, word))
        # Rank 1.
        case(b, rng, kind, (100,), 64, "%s-rank1-k100-i64" % kind)
        case(b, rng, kind, (65,), 8, "%s-rank1-k65-i8" % kind)


if __name__ == "__main__":
    B.main(generate, seed=1234)
