# Every quantization node test of ONNX's backend test suite (libonnx-testdata)
# compiled with lowbit-compile for x86-64 and AArch64 (under qemu, skipped
# with a message when the cross tools are missing), run through the C ABI
# and compared bit for bit with the stored outputs (float outputs, i.e.
# DequantizeLinear's and DynamicQuantizeLinear's scale, within 1e-5
# relative; see onnxtest.py). Quantization parameters given as graph inputs
# (*scale*, *zero_point*) are frozen with --freeze-input; weights given as
# graph inputs (w, B) stay runtime inputs.
#
# ONNX_TESTS=name1,name2 runs a subset, ONNX_TARGETS=x86-64 one target.
#
# RUN: %python %s %t lowbit-compile

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnxtest  # noqa: E402

# op (as counted in the summary) -> node test directories
TESTS = {
    "QuantizeLinear": ["test_quantizelinear", "test_quantizelinear_axis"],
    "DequantizeLinear": ["test_dequantizelinear",
                         "test_dequantizelinear_axis"],
    "QLinearMatMul": ["test_qlinearmatmul_2D", "test_qlinearmatmul_3D"],
    "QLinearConv": ["test_qlinearconv"],
    "MatMulInteger": ["test_matmulinteger"],
    "ConvInteger": ["test_basic_convinteger", "test_convinteger_with_padding",
                    "test_convinteger_without_padding"],
    "DynamicQuantizeLinear": [
        "test_dynamicquantizelinear",
        "test_dynamicquantizelinear_max_adjusted",
        "test_dynamicquantizelinear_min_adjusted"],
    # The function body of DynamicQuantizeLinear expanded into primitive ops
    # (ReduceMin/Max, Div, Round, Clip, Cast, QuantizeLinear with a computed
    # scale and zero point).
    "DynamicQuantizeLinear (expanded)": [
        "test_dynamicquantizelinear_expanded",
        "test_dynamicquantizelinear_max_adjusted_expanded",
        "test_dynamicquantizelinear_min_adjusted_expanded"],
}

# Also any expanded variant of the tests above that the installed data has.
_have = set(onnxtest.list_tests("node"))
for _op, _names in list(TESTS.items()):
    for _n in list(_names):
        if _n + "_expanded" in _have and not any(
                _n + "_expanded" in v for v in TESTS.values()):
            TESTS.setdefault(_op + " (expanded)", []).append(_n + "_expanded")

GROUP = {n: op for op, names in TESTS.items() for n in names}

onnxtest.main(sys.argv, [n for names in TESTS.values() for n in names],
              group_of=lambda c: GROUP[c.name], order=list(TESTS),
              targets=("x86-64", "aarch64"),
              title="ONNX quantization node tests")
