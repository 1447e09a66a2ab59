# lowbit.conv2d (NHWC input, OHWI filter) with ternary operands and mixed
# precision (--lowbit-lower-binary): ternary x ternary, ternary input x
# binary filter (pad zero), binary input x ternary filter (pad one and
# zero), int8/uint8 input (nonzero zero point, padded with the real 0) x
# binary/ternary filter (add/subtract kernel), binary (pad one and zero) /
# ternary input x int8 filter; strides, dilations, asymmetric padding, groups,
# depthwise with a multiplier, channels 1-70; some operands computed at run
# time. Results: raw dot products (f32, scales 1), per-channel power-of-two
# scales with a float bias and activation, the sign (binary result), int8
# (fixed-point requantization). Reference: numpy cross-correlation of the
# unpacked values (convcases.py, binref.py).
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

import binref as B  # noqa: E402
import convcases as C  # noqa: E402

if __name__ == "__main__":
    B.main(lambda b, rng: C.generate(b, rng, "mixed"), seed=4343)
