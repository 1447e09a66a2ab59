#!/usr/bin/python3
"""Trains small digit classifiers and exports them as ONNX test models.

Uses scikit-learn's bundled 8x8 digits (no download). Writes, next to this
script:

    mlp_float.onnx, cnn_float.onnx   float models (opset 13)
    mlp_qdq.onnx,   cnn_qdq.onnx     post-training int8 models (QDQ, opset 13)
    bnn_qonnx.onnx                   binary network (QONNX BipolarQuant)
    data/*.npy, data/*.json          test set, reference outputs, accuracies

Run with Debian's Python, which has torch 1.13, onnx 1.12 and scikit-learn:

    /usr/bin/python3 examples/digits/make_models.py

Everything is seeded and single-threaded, so reruns give identical files.
"""
import itertools
import json
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.ao.quantization import (DeQuantStub, QuantStub, convert,
                                   fuse_modules, get_default_qconfig, prepare)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SEED = 0
QONNX_DOMAIN = "qonnx.custom_op.general"

# Exporting quantized modules traces their packed parameters through
# prim::TupleConstruct, for which torch 1.13 warns about missing shape
# inference; the exported graphs are fully shaped regardless.
warnings.filterwarnings(
    "ignore", message="The shape inference of prim::TupleConstruct")


# --------------------------------------------------------------------------
# Data and training
# --------------------------------------------------------------------------

def load_data():
    """Digits scaled to [0, 1] as [N, 1, 8, 8] float32; 360 test images."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=360, random_state=SEED, stratify=y)
    return (torch.from_numpy(x_train), torch.from_numpy(y_train),
            torch.from_numpy(x_test), torch.from_numpy(y_test))


def train(model, x, y, epochs, lr, after_step=None):
    """Adam on mini-batches of 32 with a seeded shuffle."""
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(32):
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
            if after_step is not None:
                after_step(model)
    model.eval()


def accuracy(logits, y):
    return int((logits.argmax(1) == y).sum()) / len(y)


# --------------------------------------------------------------------------
# Float models and their post-training quantization
# --------------------------------------------------------------------------

def make_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(),
                         nn.Linear(32, 10))


def make_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 2 * 2, 10))


# Conv/Linear + ReLU pairs (indices into the nn.Sequential) to fuse. The
# ONNX exporter of torch 1.13 has no symbolic for quantized::linear_relu in
# any opset, so the MLP's Linear + ReLU stay unfused: the quantized Linear
# output keeps its full (signed) range and ReLU runs on the quantized tensor,
# exported as DequantizeLinear -> Relu -> QuantizeLinear with unchanged
# qparams. quantized::conv2d_relu exports fine (as Conv -> Relu).
FUSE = {"mlp": [],
        "cnn": [["net.0", "net.1"], ["net.3", "net.4"]]}


class Quantizable(nn.Module):
    """Wraps a float network between QuantStub and DeQuantStub."""

    def __init__(self, net):
        super().__init__()
        self.quant = QuantStub()
        self.net = net
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self.quant_forward(x))

    def quant_forward(self, x):
        """The quantized output, before dequantization."""
        return self.net(self.quant(x))


def quantize(name, net, x_calib):
    """Eager-mode static quantization for qnnpack, calibrated on x_calib."""
    torch.backends.quantized.engine = "qnnpack"
    model = Quantizable(net)
    model.eval()
    if FUSE[name]:
        model = fuse_modules(model, FUSE[name])
    model.qconfig = get_default_qconfig("qnnpack")
    prepare(model, inplace=True)
    with torch.no_grad():
        model(x_calib)
    return convert(model)


def export(model, path):
    """ONNX opset 13, batch 1. Quantized models come out as QDQ graphs."""
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True)


# --------------------------------------------------------------------------
# Binary network (straight-through estimator) and its QONNX export
# --------------------------------------------------------------------------

def bipolar(x):
    """QONNX BipolarQuant with scale 1: +1 where x >= 0, else -1."""
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


class SignSTE(torch.autograd.Function):
    """bipolar() forward; hardtanh's gradient (pass where |x| <= 1) back."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return bipolar(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


class BinaryConv2d(nn.Conv2d):
    """Conv2d whose latent float weights are binarized in the forward pass."""

    def forward(self, x):
        return F.conv2d(x, SignSTE.apply(self.weight), None, self.stride,
                        self.padding)


class BinaryLinear(nn.Linear):
    """Linear whose latent float weights are binarized in the forward pass."""

    def forward(self, x):
        return F.linear(x, SignSTE.apply(self.weight))


class BNN(nn.Module):
    """Binary weights everywhere; binary activations after the first layer.

    The second convolution zero-pads its +-1 input (as PyTorch does), so the
    padded border contributes 0, not +-1.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = BinaryConv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = BinaryConv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.pool = nn.MaxPool2d(2)
        self.fc = BinaryLinear(32 * 4 * 4, 10, bias=False)
        self.bn3 = nn.BatchNorm1d(10)

    def forward(self, x):
        x = SignSTE.apply(self.bn1(self.conv1(x)))
        x = SignSTE.apply(self.pool(self.bn2(self.conv2(x))))
        return self.bn3(self.fc(torch.flatten(x, 1)))


def clip_latent_weights(model):
    """Keeps latent binary weights in [-1, 1], where the STE passes grads."""
    with torch.no_grad():
        for layer in (model.conv1, model.conv2, model.fc):
            layer.weight.clamp_(-1.0, 1.0)


def export_bnn_qonnx(model, path):
    """Writes the eval-mode BNN as QONNX with onnx.helper.

    Latent float weights are initializers, each binarized by a BipolarQuant
    node (scale 1.0); binarized activations likewise. Every other op is a
    standard opset-13 op. All intermediate shapes are declared in value_info
    since ONNX shape inference does not know BipolarQuant.
    """
    inits, nodes, shapes = [], [], {}

    def init(name, tensor):
        inits.append(numpy_helper.from_array(
            tensor.detach().numpy().astype(np.float32), name))

    def node(op, inputs, output, shape, domain="", **attrs):
        nodes.append(helper.make_node(op, inputs, [output], name=output,
                                      domain=domain, **attrs))
        shapes[output] = shape

    def bipolar_quant(x, output, shape):
        node("BipolarQuant", [x, "one"], output, shape, domain=QONNX_DOMAIN)

    def batch_norm(x, bn, prefix, output, shape):
        for key, t in (("scale", bn.weight), ("bias", bn.bias),
                       ("mean", bn.running_mean), ("var", bn.running_var)):
            init(f"{prefix}_{key}", t)
        node("BatchNormalization",
             [x] + [f"{prefix}_{k}" for k in ("scale", "bias", "mean", "var")],
             output, shape, epsilon=bn.eps)

    init("one", torch.tensor(1.0))
    init("conv1_w", model.conv1.weight)
    init("conv2_w", model.conv2.weight)
    init("fc_w", model.fc.weight)
    bipolar_quant("conv1_w", "conv1_wq", [16, 1, 3, 3])
    node("Conv", ["input", "conv1_wq"], "conv1", [1, 16, 8, 8],
         kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    batch_norm("conv1", model.bn1, "bn1", "bn1", [1, 16, 8, 8])
    bipolar_quant("bn1", "act1", [1, 16, 8, 8])
    bipolar_quant("conv2_w", "conv2_wq", [32, 16, 3, 3])
    node("Conv", ["act1", "conv2_wq"], "conv2", [1, 32, 8, 8],
         kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    batch_norm("conv2", model.bn2, "bn2", "bn2", [1, 32, 8, 8])
    node("MaxPool", ["bn2"], "pool", [1, 32, 4, 4],
         kernel_shape=[2, 2], strides=[2, 2])
    bipolar_quant("pool", "act2", [1, 32, 4, 4])
    node("Flatten", ["act2"], "flat", [1, 512], axis=1)
    bipolar_quant("fc_w", "fc_wq", [10, 512])
    node("Gemm", ["flat", "fc_wq"], "fc", [1, 10], transB=1)
    batch_norm("fc", model.bn3, "bn3", "logits", [1, 10])

    def info(name, shape):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)

    graph = helper.make_graph(
        nodes, "bnn", [info("input", [1, 1, 8, 8])], [info("logits", [1, 10])],
        initializer=inits,
        value_info=[info(n, s) for n, s in shapes.items() if n != "logits"])
    onnx_model = helper.make_model(
        graph, producer_name="lowbit examples/digits/make_models.py",
        opset_imports=[helper.make_opsetid("", 13),
                       helper.make_opsetid(QONNX_DOMAIN, 1)])
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, path)


def run_qonnx_numpy(path, x):
    """Evaluates the BNN QONNX file with numpy on a batch x [N, 1, 8, 8].

    Implements exactly the ops the exporter writes, in float32:
      BipolarQuant(x, s)   = where(x >= 0, 1, -1) * s
      Conv                 = cross-correlation, zero padding `pads`, stride 1
      BatchNormalization   = (x - mean) / sqrt(var + epsilon) * scale + bias
      MaxPool              = max over kernel_shape windows with `strides`
      Flatten(axis=1)      = reshape to [N, -1]
      Gemm(transB=1)       = A @ B.T
    The batch is evaluated at once; every op is per-sample.
    """
    model = onnx.load(path)
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env["input"] = x.astype(np.float32)
    for n in model.graph.node:
        a = {attr.name: helper.get_attribute_value(attr)
             for attr in n.attribute}
        ins = [env[i] for i in n.input]
        if n.op_type == "BipolarQuant":
            y = np.where(ins[0] >= 0, 1.0, -1.0).astype(np.float32) * ins[1]
        elif n.op_type == "Conv":
            y = conv2d_numpy(ins[0], ins[1], a["pads"])
        elif n.op_type == "BatchNormalization":
            data, scale, bias, mean, var = ins
            bshape = (1, -1) + (1,) * (data.ndim - 2)
            y = ((data - mean.reshape(bshape))
                 / np.sqrt(var.reshape(bshape) + np.float32(a["epsilon"]))
                 * scale.reshape(bshape) + bias.reshape(bshape))
        elif n.op_type == "MaxPool":
            (kh, kw), (sh, sw) = a["kernel_shape"], a["strides"]
            b, c, h, w = ins[0].shape
            oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
            y = np.max([ins[0][:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
                        for i in range(kh) for j in range(kw)], axis=0)
        elif n.op_type == "Flatten":
            y = ins[0].reshape(len(ins[0]), -1)
        elif n.op_type == "Gemm":
            y = ins[0] @ ins[1].T
        else:
            raise ValueError(f"unexpected op {n.op_type}")
        env[n.output[0]] = y.astype(np.float32)
    return env[model.graph.output[0].name]


def conv2d_numpy(x, w, pads):
    """NCHW x OIHW cross-correlation, stride 1, zero padding [t, l, b, r]."""
    top, left, bottom, right = pads
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    o, c, kh, kw = w.shape
    oh, ow = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    patches = np.stack([x[:, :, i:i + oh, j:j + ow]
                        for i in range(kh) for j in range(kw)], axis=2)
    return np.einsum("nckhw,ock->nohw", patches, w.reshape(o, c, kh * kw))


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def describe(path):
    """Prints the ops of an ONNX file in order, with operand types/shapes."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    types = {t.name: (t.data_type, list(t.dims))
             for t in model.graph.initializer}
    for v in itertools.chain(model.graph.input, model.graph.value_info,
                             model.graph.output):
        t = v.type.tensor_type
        types[v.name] = (t.elem_type, [d.dim_value for d in t.shape.dim])

    def fmt(names):
        return ", ".join(
            TensorProto.DataType.Name(types[n][0]).lower() + str(types[n][1])
            if n in types else "?" for n in names)

    print(f"{os.path.basename(path)} ({os.path.getsize(path)} bytes):")
    for n in model.graph.node:
        domain = f" [{n.domain}]" if n.domain else ""
        print(f"  {n.op_type}{domain}({fmt(n.input)}) -> {fmt(n.output)}")


def save(name, array):
    np.save(os.path.join(DATA, name), array)


def write_json(name, obj):
    with open(os.path.join(DATA, name), "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    os.makedirs(DATA, exist_ok=True)
    x_train, y_train, x_test, y_test = load_data()
    save("test_x.npy", x_test.numpy())
    save("test_y.npy", y_test.numpy())
    acc = {}

    for name, make in (("mlp", make_mlp), ("cnn", make_cnn)):
        net = make()
        train(net, x_train, y_train, epochs=20, lr=1e-2)
        with torch.no_grad():
            logits = net(x_test)
        acc[f"{name}_float"] = accuracy(logits, y_test)
        save(f"{name}_float_logits.npy", logits.numpy())
        export(net, os.path.join(HERE, f"{name}_float.onnx"))

        qmodel = quantize(name, net, x_train)
        with torch.no_grad():
            qout = qmodel.quant_forward(x_test)
        logits = qout.dequantize()
        acc[f"{name}_qdq"] = accuracy(logits, y_test)
        save(f"{name}_qdq_logits.npy", logits.numpy())
        save(f"{name}_qdq_out_q.npy", qout.int_repr().numpy())
        write_json(f"{name}_qdq_out_qparams.json",
                   {"scale": qout.q_scale(),
                    "zero_point": qout.q_zero_point(),
                    "dtype": str(qout.int_repr().numpy().dtype)})
        export(qmodel, os.path.join(HERE, f"{name}_qdq.onnx"))

    bnn = BNN()
    train(bnn, x_train, y_train, epochs=40, lr=1e-2,
          after_step=clip_latent_weights)
    with torch.no_grad():
        logits = bnn(x_test)
    acc["bnn"] = accuracy(logits, y_test)
    save("bnn_logits.npy", logits.numpy())
    bnn_path = os.path.join(HERE, "bnn_qonnx.onnx")
    export_bnn_qonnx(bnn, bnn_path)

    # The QONNX file must reproduce the PyTorch model.
    ref = run_qonnx_numpy(bnn_path, x_test.numpy())
    max_diff = float(np.abs(ref - logits.numpy()).max())
    same_argmax = bool((ref.argmax(1) == logits.numpy().argmax(1)).all())
    print(f"bnn QONNX (numpy) vs PyTorch: max |diff| {max_diff:.2e}, "
          f"argmax identical: {same_argmax}")
    if not same_argmax or max_diff >= 1e-4:
        raise SystemExit("bnn_qonnx.onnx does not match the PyTorch model")

    for name in ("mlp_float", "mlp_qdq", "cnn_float", "cnn_qdq"):
        describe(os.path.join(HERE, f"{name}.onnx"))
    describe(bnn_path)
    write_json("accuracy.json", acc)
    for key, value in acc.items():
        print(f"test accuracy {key:10s} {value:.4f}")


if __name__ == "__main__":
    main()
