# Odd storage widths the verifier accepts (3, 5, 6, 7, 12 bits, unsigned 16):
# quantize, dequantize, requantize, add, mul, matmul and pooling, with the
# generators of the per-op tests.
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

import add  # noqa: E402
import harness as H  # noqa: E402
import matmul  # noqa: E402
import mul  # noqa: E402
import pool  # noqa: E402
import quantize  # noqa: E402
import requantize  # noqa: E402

ODD = ["i3", "u3", "i5", "u6", "i7", "i12", "u12", "u16"]


def generate(b, rng):
    quantize.generate(b, rng, kinds=ODD, reps=2)
    requantize.generate(b, rng, pairs=[
        ("i3", "i3"), ("u6", "i5"), ("i12", "i7"), ("i8", "u3"),
        ("u16", "i8"), ("i32", "i5"), ("i32", "u12"), ("u3", "u16")], reps=2)
    add.generate(b, rng, combos=[
        ("i3", "i3", "i3"), ("u6", "u6", "u6"), ("i5", "i8", "i7"),
        ("i12", "i12", "i12"), ("u16", "u16", "u16"), ("u3", "i5", "i12")],
        reps=2)
    mul.generate(b, rng, combos=[
        ("i3", "i3", "i3"), ("u6", "u6", "u6"), ("i5", "i8", "i7"),
        ("i12/s", "i12/s", "i12"), ("u3", "i5", "u12")], reps=2)
    matmul.generate(b, rng, combos=[
        ("i5", "i3", "i7"), ("u6", "u3", "u6"), ("i12", "i5/s", "i12"),
        ("u12", "i3/s", "i8"), ("i7", "u6", "i3")], reps=2)
    pool.generate(b, rng, kinds=["i3", "u6", "i12", "u16"], reps=1)


if __name__ == "__main__":
    H.main(generate, seed=1012, description=__doc__)
