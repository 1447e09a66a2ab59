# The float node tests of ONNX's backend test suite (libonnx-testdata) for
# the ops in OPS below, and the data/pytorch-converted and
# data/pytorch-operator tests that use only those ops, compiled with
# lowbit-compile for x86-64 (a few also for AArch64 under qemu), run through
# the C ABI and compared with the stored outputs: float outputs within
# |got - expected| <= 1e-5 * |expected| + 1e-6, integer outputs (Shape,
# ConstantOfShape) bit for bit (see onnxtest.py).
#
# Selected: every test directory of those three folders whose model uses
# only ops of OPS, minus the skipped ones in the table below. Graph inputs
# ONNX reads as shapes or axes (Reshape's shape, Squeeze/Unsqueeze axes,
# ConstantOfShape's input) are frozen with --freeze-input (a runtime value
# there would make the output shape dynamic); every other graph input
# (weights, Clip's min/max, Dropout's ratio included) stays a runtime input.
# Besides float32: float16/bfloat16 in Cast, INT64 outputs of Shape, the
# INT32 output of ConstantOfShape.
#
# Skipped test directories:
#
# | test | reason |
# |---|---|
# | node/test_add_uint8 | UINT8 data: plain integer arithmetic, not float32 |
# | node/test_sub_uint8 | UINT8 data: plain integer arithmetic (wrapping), not float32 |
# | node/test_mul_uint8 | UINT8 data: plain integer arithmetic (wrapping), not float32 |
# | node/test_div_uint8 | UINT8 data: integer division, not float32 |
# | node/test_clip_default_int8_inbounds | INT8 data: plain integers, not float32 |
# | node/test_clip_default_int8_max | INT8 data: plain integers, not float32 |
# | node/test_clip_default_int8_min | INT8 data: plain integers, not float32 |
# | node/test_maxpool_2d_uint8 | UINT8 data: plain integers, not float32 |
# | node/test_averagepool_1d_default | 1-D pooling |
# | node/test_maxpool_1d_default | 1-D pooling |
# | node/test_averagepool_3d_default | 3-D pooling |
# | node/test_maxpool_3d_default | 3-D pooling |
# | node/test_maxpool_with_argmax_2d_precomputed_pads | second output: INT64 argmax indices |
# | node/test_maxpool_with_argmax_2d_precomputed_strides | second output: INT64 argmax indices |
# | node/test_batchnorm_epsilon_training_mode | training-mode BatchNormalization |
# | node/test_batchnorm_example_training_mode | training-mode BatchNormalization |
# | node/test_training_dropout | training-mode Dropout (random mask) |
# | node/test_training_dropout_default | training-mode Dropout (random mask) |
# | node/test_training_dropout_default_mask | training-mode Dropout (random mask, BOOL output) |
# | node/test_training_dropout_mask | training-mode Dropout (random mask, BOOL output) |
# | node/test_training_dropout_zero_ratio | training-mode Dropout (BOOL training_mode input) |
# | node/test_training_dropout_zero_ratio_mask | training-mode Dropout (BOOL input and output) |
# | node/test_dropout_default_mask | BOOL mask output |
# | node/test_dropout_default_mask_ratio | BOOL mask output |
# | node/test_cast_DOUBLE_to_FLOAT | DOUBLE (float64) data |
# | node/test_cast_DOUBLE_to_FLOAT16 | DOUBLE (float64) data |
# | node/test_cast_FLOAT16_to_DOUBLE | DOUBLE (float64) data |
# | node/test_cast_FLOAT_to_DOUBLE | DOUBLE (float64) data |
# | node/test_castlike_DOUBLE_to_FLOAT_expanded | DOUBLE (float64) data |
# | node/test_castlike_DOUBLE_to_FLOAT16_expanded | DOUBLE (float64) data |
# | node/test_castlike_FLOAT16_to_DOUBLE_expanded | DOUBLE (float64) data |
# | node/test_castlike_FLOAT_to_DOUBLE_expanded | DOUBLE (float64) data |
# | node/test_cast_FLOAT_to_STRING | STRING data |
# | node/test_cast_STRING_to_FLOAT | STRING data |
# | node/test_castlike_FLOAT_to_STRING_expanded | STRING data |
# | node/test_castlike_STRING_to_FLOAT_expanded | STRING data |
# | node/test_cast_FLOAT_to_BFLOAT16 | the onnx 1.12 data truncates to bfloat16 instead of rounding to nearest even |
# | node/test_castlike_FLOAT_to_BFLOAT16_expanded | the onnx 1.12 data truncates to bfloat16 instead of rounding to nearest even |
# | node/test_castlike_BFLOAT16_to_FLOAT_expanded | the data of input "like" has shape [1], the model declares [3, 4] |
# | node/test_constantofshape_int_shape_zero | zero-size output |
# | node/test_reshape_allowzero_reordered | zero-size input and output |
# | node/test_identity_opt | optional type, not a tensor |
# | node/test_identity_sequence | sequence type, not a tensor |
# | pytorch-converted/test_AvgPool1d | 1-D pooling |
# | pytorch-converted/test_AvgPool1d_stride | 1-D pooling |
# | pytorch-converted/test_AvgPool3d | 3-D pooling |
# | pytorch-converted/test_AvgPool3d_stride | 3-D pooling |
# | pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input | 3-D pooling |
# | pytorch-converted/test_MaxPool1d | 1-D pooling |
# | pytorch-converted/test_MaxPool1d_stride | 1-D pooling |
# | pytorch-converted/test_MaxPool1d_stride_padding_dilation | 1-D pooling |
# | pytorch-converted/test_MaxPool3d | 3-D pooling |
# | pytorch-converted/test_MaxPool3d_stride | 3-D pooling |
# | pytorch-converted/test_MaxPool3d_stride_padding | 3-D pooling |
# | pytorch-converted/test_Conv1d | 1-D convolution |
# | pytorch-converted/test_Conv1d_dilated | 1-D convolution |
# | pytorch-converted/test_Conv1d_groups | 1-D convolution |
# | pytorch-converted/test_Conv1d_pad1 | 1-D convolution |
# | pytorch-converted/test_Conv1d_pad1size1 | 1-D convolution |
# | pytorch-converted/test_Conv1d_pad2 | 1-D convolution |
# | pytorch-converted/test_Conv1d_pad2size1 | 1-D convolution |
# | pytorch-converted/test_Conv1d_stride | 1-D convolution |
# | pytorch-converted/test_Conv3d | 3-D convolution |
# | pytorch-converted/test_Conv3d_dilated | 3-D convolution |
# | pytorch-converted/test_Conv3d_dilated_strided | 3-D convolution |
# | pytorch-converted/test_Conv3d_groups | 3-D convolution |
# | pytorch-converted/test_Conv3d_no_bias | 3-D convolution |
# | pytorch-converted/test_Conv3d_stride | 3-D convolution |
# | pytorch-converted/test_Conv3d_stride_padding | 3-D convolution |
# | pytorch-converted/test_BatchNorm1d_3d_input_eval | 1-D BatchNormalization (N, C, L input) |
# | pytorch-converted/test_BatchNorm3d_eval | 3-D BatchNormalization |
# | pytorch-converted/test_BatchNorm3d_momentum_eval | 3-D BatchNormalization |
# | pytorch-operator/test_operator_add_broadcast | DOUBLE (float64) data |
# | pytorch-operator/test_operator_add_size1_broadcast | DOUBLE (float64) data |
# | pytorch-operator/test_operator_add_size1_right_broadcast | DOUBLE (float64) data |
# | pytorch-operator/test_operator_add_size1_singleton_broadcast | DOUBLE (float64) data |
# | pytorch-operator/test_operator_addconstant | DOUBLE (float64) data |
# | pytorch-operator/test_operator_non_float_params | INT64 arithmetic |
# | pytorch-operator/test_operator_maxpool | 1-D pooling |
#
# ONNX_TESTS=name1,name2 runs a subset, ONNX_TARGETS=x86-64 one target.
#
# RUN: %python %s %t lowbit-compile

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnxtest  # noqa: E402

# In the order of the summary; a test using several of them is counted
# under the first.
OPS = ["Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Clip",
       "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "MaxPool", "AveragePool",
       "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape",
       "Transpose", "Concat", "Squeeze", "Unsqueeze", "Identity", "Dropout",
       "Constant", "Cast", "ConstantOfShape", "Shape"]

SUITES = ["node", "pytorch-converted", "pytorch-operator"]

# Also run on AArch64 (under qemu).
AARCH64 = {
    "node/test_basic_conv_with_padding",
    "node/test_conv_with_strides_and_asymmetric_padding",
    "pytorch-converted/test_Conv2d_depthwise",
    "pytorch-converted/test_Conv2d_groups",
    "node/test_gemm_all_attributes",
    "node/test_matmul_3d",
    "node/test_softmax_axis_1",
    "node/test_maxpool_2d_pads",
    "node/test_maxpool_2d_dilations",
    "node/test_averagepool_2d_pads_count_include_pad",
    "node/test_batchnorm_example",
    "node/test_cast_FLOAT_to_FLOAT16",
}


def skip_table():
    with open(os.path.abspath(__file__)) as f:
        text = f.read()
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^# \| ([\w./-]+) \| (.*) \|$", text, re.M) if m.group(1) != "test"}


SKIP = skip_table()
tests = []
present = set()
for suite in SUITES:
    for name in onnxtest.list_tests(suite):
        key = "%s/%s" % (suite, name)
        present.add(key)
        ops = onnxtest.model_ops(os.path.join(onnxtest.DATA, suite, name))
        if ops is None or not ops <= set(OPS) or key in SKIP:
            continue
        tests.append(key)
for key in sorted(set(SKIP) - present):
    print("note: skipped test %s is not in %s" % (key, onnxtest.DATA))


def group_of(case):
    for op in OPS:
        if op in case.ops:
            return op
    return case.op_summary()


onnxtest.main(
    sys.argv, tests, group_of=group_of, order=OPS,
    targets=lambda c: ["x86-64"] + (
        ["aarch64"] if "%s/%s" % (c.suite, c.name) in AARCH64 else []),
    freeze_shape_operands=True, title="ONNX float op tests")
