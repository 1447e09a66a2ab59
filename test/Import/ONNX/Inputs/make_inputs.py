"""Writes the small ONNX models the import error tests read.

Run with Debian's Python (python3-onnx): /usr/bin/python3 make_inputs.py
The outputs are committed; this script documents how they were made.
"""
import onnx
from onnx import TensorProto, helper

f32 = TensorProto.FLOAT


def save(name, nodes, inputs, outputs, inits=(), opset=13, extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    opsets = [helper.make_opsetid("", opset)] + list(extra_opsets)
    model = helper.make_model(graph, opset_imports=opsets,
                              producer_name="lowbit-tests")
    model.ir_version = 8
    onnx.save(model, name + ".onnx")


x4 = helper.make_tensor_value_info("x", f32, [1, 2, 4, 4])
y4 = helper.make_tensor_value_info("y", f32, [1, 2, 4, 4])

# A valid model: relu.
save("relu", [helper.make_node("Relu", ["x"], ["y"], name="act")], [x4], [y4])
# An op lowbit does not import.
save("unknown_op", [helper.make_node("Hardmax", ["x"], ["y"], name="hm")],
     [x4], [y4])
# A domain lowbit does not know.
save("unknown_domain",
     [helper.make_node("Frob", ["x"], ["y"], name="frob", domain="acme.ops")],
     [x4], [y4], extra_opsets=[helper.make_opsetid("acme.ops", 1)])
# A symbolic batch dimension.
save("dynamic", [helper.make_node("Relu", ["x"], ["y"], name="act")],
     [helper.make_tensor_value_info("x", f32, ["batch", 2, 4, 4])],
     [helper.make_tensor_value_info("y", f32, ["batch", 2, 4, 4])])
# An unsupported attribute value.
save("bad_autopad",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                       kernel_shape=[2, 2], auto_pad="SAME_MIDDLE")],
     [x4], [helper.make_tensor_value_info("y", f32, [1, 2, 2, 2])])
# Dilated max pooling.
save("dilated_pool",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                       kernel_shape=[2, 2], dilations=[2, 2])],
     [x4], [helper.make_tensor_value_info("y", f32, [1, 2, 2, 2])])
# QuantizeLinear whose scale is a graph input (not a constant).
save("runtime_qparams",
     [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], name="q",
                       axis=1)],
     [x4, helper.make_tensor_value_info("s", f32, [2]),
      helper.make_tensor_value_info("z", TensorProto.UINT8, [2])],
     [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 2, 4, 4])])
# A model too new for ONNX 1.12 (opset 19) - written by hand.
save("opset_new", [helper.make_node("Relu", ["x"], ["y"], name="act")],
     [x4], [y4], opset=17)
m = onnx.load("opset_new.onnx")
m.opset_import[0].version = 19
onnx.save(m, "opset_new.onnx")
# An int64 graph input.
save("int64_input",
     [helper.make_node("Identity", ["x"], ["y"], name="id")],
     [helper.make_tensor_value_info("x", TensorProto.INT64, [4])],
     [helper.make_tensor_value_info("y", TensorProto.INT64, [4])])
# A conv whose weight initializer is missing (referenced, never defined).
save("missing_init",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
     [x4], [y4])
# A truncated copy of a valid model.
data = open("relu.onnx", "rb").read()
open("truncated.onnx", "wb").write(data[: len(data) // 2])
open("garbage.onnx", "wb").write(b"this is not a protobuf \xff\xfe" * 4)
# A scale tensor file for --freeze-input.
t = helper.make_tensor("s", f32, [2], [0.5, 0.25])
open("scale.pb", "wb").write(t.SerializeToString())

# QONNX nodes lowbit cannot represent exactly (each must be refused).
QONNX = "qonnx.custom_op.general"
qonnx_opsets = [helper.make_opsetid(QONNX, 1)]


def const(name, value, dtype=f32):
    return helper.make_tensor(name, dtype, [], [value])


def qonnx_model(name, node_name, op, extra_inputs, values, **attrs):
    """x -> op(x, *extra_inputs) -> y, the extra inputs scalar constants."""
    inits = [const(n, v) for n, v in zip(extra_inputs, values)]
    save(name, [helper.make_node(op, ["x"] + list(extra_inputs), ["y"],
                                 name=node_name, domain=QONNX, **attrs)],
         [x4], [y4], inits=inits, extra_opsets=qonnx_opsets)


qonnx_model("qonnx_17bit", "q17", "IntQuant", ["s", "z", "b"],
            [0.5, 0.0, 17.0])
qonnx_model("qonnx_frac_zp", "qzp", "IntQuant", ["s", "z", "b"],
            [0.5, 0.5, 4.0])
qonnx_model("qonnx_unsigned_1bit", "q1", "IntQuant", ["s", "z", "b"],
            [0.5, 0.0, 1.0], signed=0)
qonnx_model("qonnx_bad_rounding", "qr", "IntQuant", ["s", "z", "b"],
            [0.5, 0.0, 4.0], rounding_mode="STOCHASTIC")
qonnx_model("qonnx_neg_scale", "qs", "BipolarQuant", ["s"], [-1.0])
qonnx_model("qonnx_e3m4", "fq", "FloatQuant", ["s", "e", "m", "b", "mx"],
            [1.0, 3.0, 4.0, 3.0, 15.5])
qonnx_model("qonnx_trunc_args", "tr", "Trunc", ["s", "z", "b"],
            [0.5, 0.0, 8.0])
# MultiThreshold whose out_bias is not on the out_scale grid.
save("qonnx_threshold_bias",
     [helper.make_node("MultiThreshold", ["x", "t"], ["y"], name="mt",
                       domain=QONNX, out_scale=0.5, out_bias=-0.3)],
     [x4], [y4],
     inits=[helper.make_tensor("t", f32, [2, 3], [0, 1, 2, 0, 1, 2])],
     extra_opsets=qonnx_opsets)
# A runtime (graph input) scale.
save("qonnx_runtime_scale",
     [helper.make_node("IntQuant", ["x", "s", "z", "b"], ["y"], name="qrt",
                       domain=QONNX)],
     [x4, helper.make_tensor_value_info("s", f32, [])], [y4],
     inits=[const("z", 0.0), const("b", 8.0)], extra_opsets=qonnx_opsets)
# A valid 4-bit IntQuant on the input (for --precision and layout checks).
qonnx_model("qonnx_int4", "q4", "IntQuant", ["s", "z", "b"],
            [0.25, 0.0, 4.0], narrow=1)

# MatMulInteger with a run-time zero point of the wrong type, and
# ConvInteger with a run-time zero point and run-time weights.
u8 = TensorProto.UINT8
save("runtime_zp_type",
     [helper.make_node("MatMulInteger", ["a", "b", "za"], ["y"], name="mmi")],
     [helper.make_tensor_value_info("a", u8, [2, 3]),
      helper.make_tensor_value_info("b", u8, [3, 4]),
      helper.make_tensor_value_info("za", TensorProto.INT8, [])],
     [helper.make_tensor_value_info("y", TensorProto.INT32, [2, 4])])
save("runtime_zp_weights",
     [helper.make_node("ConvInteger", ["x", "w", "zx"], ["y"], name="ci",
                       kernel_shape=[1, 1])],
     [helper.make_tensor_value_info("x", u8, [1, 2, 4, 4]),
      helper.make_tensor_value_info("w", u8, [3, 2, 1, 1]),
      helper.make_tensor_value_info("zx", u8, [])],
     [helper.make_tensor_value_info("y", TensorProto.INT32, [1, 3, 4, 4])])
