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
# Dilated max pooling (no lowbit equivalent).
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
