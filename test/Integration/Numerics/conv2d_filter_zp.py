# lowbit.conv2d with filters whose zero points are nonzero (per tensor and
# per channel): the accumulator is sum (x - zx) * (w - zw[o]) including the
# padding taps, which hold zx. Same generator and configurations as
# conv2d.py (strides, dilations, padding, groups, depthwise, bias,
# activations).
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

import conv2d  # noqa: E402
import harness as H  # noqa: E402

# (input, filter, result) storage kinds; "/nz": nonzero zero points.
COMBOS = [
    ("i8", "i8/nz", "i8"), ("u8", "u8/nz", "u8"), ("i4", "i4/nz", "i4"),
    ("u4", "u4/nz", "u4"), ("i2", "i2/nz", "i8"), ("i8", "tern/nz", "i8"),
    ("i4", "u4/nz", "i16"), ("i8n", "i8n/nz", "i8n"),
]


def generate(b, rng):
    conv2d.generate(b, rng, COMBOS)


if __name__ == "__main__":
    H.main(generate, seed=1011, description=__doc__)
