# lowbit.conv2d (NHWC input, OHWI filter), binary input x binary filter
# (--lowbit-lower-binary, XOR/popcount): pad_value one (padding taps are +1,
# free) and zero (padding taps are the real 0: a per-position correction),
# strides 1-2, dilations 1-2, asymmetric padding, kernels larger than the
# input, groups and depthwise with a channel multiplier, odd channel counts
# (1, 3, 7, 65, 70), batch 1-2; some operands computed at run time (no
# compile-time filter packing). Results: raw dot products (f32, scales 1),
# per-channel power-of-two scales with a float bias and activation, the
# sign (binary result), int8 (fixed-point requantization). Reference: numpy
# cross-correlation of the unpacked values (convcases.py, binref.py).
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
    B.main(lambda b, rng: C.generate(b, rng, "binary"), seed=4242)
