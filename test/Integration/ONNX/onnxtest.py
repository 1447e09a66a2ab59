"""Shared helper of the ONNX conformance tests (not a test itself).

Runs ONNX backend tests (a directory with model.onnx and
test_data_set_0/input_N.pb, output_N.pb, serialized TensorProtos) through
lowbit-compile and the C ABI:

  1. load the model and the data with the onnx package; the graph inputs
     (initializers excepted) pair with input_N.pb in order, the graph
     outputs with output_N.pb;
  2. freeze the quantization parameters (every graph input whose name
     contains "scale" or "zero_point") with --freeze-input=NAME=input_N.pb,
     and, when the test script asks for it, the graph inputs that ONNX reads
     as shapes or axes (Reshape's shape, Squeeze/Unsqueeze axes,
     ConstantOfShape's shape): lowbit needs both at compile time. Every
     other input (weights given as graph inputs included) stays a runtime
     input;
  3. compile with `lowbit-compile model.onnx -O2 --target=TRIPLE -o model.o
     --header=model.h --function-name=model` for x86-64 and, where the
     script asks for it and the cross tools exist, AArch64;
  4. check the header: one input per runtime graph input and one output per
     graph output, in graph order, each with the element type (storage
     width and signedness) of the ONNX tensor and its size in bytes;
  5. generate a C driver from the header that reads each input's bytes
     (little-endian, the ONNX element type) from a file, prefills the
     outputs with 0xA5 (with 64 guard bytes after each buffer), calls
     model(), checks that it returns 0, wrote no guard byte and changed no
     input, and writes each output's bytes to a file; link it natively (cc)
     or with aarch64-linux-gnu-gcc and run it (under qemu-aarch64);
  6. compare with output_N.pb: integer (and bool) outputs bit for bit,
     float outputs with |got - expected| <= 1e-5 * |expected| + 1e-6 (NaN
     matches NaN, infinities must be equal), the same rule for every test;
     float16/bfloat16 outputs are compared as the floats they encode.

Usage from a test script:

  onnxtest.main(sys.argv, tests, group_of=..., order=..., targets=...)

with sys.argv = [script, WORKDIR, path of lowbit-compile]. The environment
variable ONNX_TESTS=name1,name2 (with or without the test_ prefix) runs a
subset, ONNX_TARGETS=x86-64 (or aarch64) restricts the targets, ONNX_OPT
overrides -O2, ONNX_JOBS the number of parallel jobs (3), ONNX_TESTDATA
the data root (/usr/share/libonnx-testdata/data).
"""

import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnx
from onnx import helper, numpy_helper

DATA = os.environ.get("ONNX_TESTDATA", "/usr/share/libonnx-testdata/data")
JOBS = int(os.environ.get("ONNX_JOBS", "3"))
OPT = os.environ.get("ONNX_OPT", "-O2")
A64_SYSROOT = "/usr/aarch64-linux-gnu"
FILL = 0xA5
GUARD = 64
RTOL, ATOL = 1e-5, 1e-6
FUNCTION = "model"

# tag -> (triple, C compiler, runner prefix)
TARGETS = {
    "x86-64": ("x86_64-linux-gnu", "cc", []),
    "aarch64": ("aarch64-linux-gnu", "aarch64-linux-gnu-gcc",
                ["qemu-aarch64", "-L", A64_SYSROOT]),
}

TP = onnx.TensorProto

# ONNX element type -> (numpy dtype of the stored bytes, kind, bits, signed)
# kind: "float" (compared with the tolerance) or "int" (bit for bit).
DTYPES = {
    TP.FLOAT: (np.float32, "float", 32, True),
    TP.DOUBLE: (np.float64, "float", 64, True),
    TP.FLOAT16: (np.float16, "float", 16, True),
    TP.BFLOAT16: (np.uint16, "bfloat", 16, True),  # bit patterns
    TP.UINT8: (np.uint8, "int", 8, False),
    TP.INT8: (np.int8, "int", 8, True),
    TP.UINT16: (np.uint16, "int", 16, False),
    TP.INT16: (np.int16, "int", 16, True),
    TP.UINT32: (np.uint32, "int", 32, False),
    TP.INT32: (np.int32, "int", 32, True),
    TP.UINT64: (np.uint64, "int", 64, False),
    TP.INT64: (np.int64, "int", 64, True),
    TP.BOOL: (np.bool_, "int", 8, False),
}


def dtype_name(dt):
    try:
        return TP.DataType.Name(dt)
    except ValueError:
        return "dtype %d" % dt


# Graph inputs ONNX reads as shapes or axes: (op type, operand index).
SHAPE_OPERANDS = {
    ("Reshape", 1), ("Squeeze", 1), ("Unsqueeze", 1), ("ConstantOfShape", 0),
    ("Expand", 1), ("Tile", 1),
}


def is_qparam(name):
    """A quantization parameter: frozen (lowbit needs scales and zero points
    at compile time). Covers x_scale, y_zero_point, a_zero_point, ..."""
    n = name.lower()
    return "scale" in n or "zero_point" in n


class Failure(Exception):
    pass


# --------------------------------------------------------------------------
# Test cases
# --------------------------------------------------------------------------


class Tensor:
    """A graph input or output with its test data."""

    def __init__(self, name, dtype, dims, pb, array):
        self.name = name
        self.dtype = dtype  # ONNX element type
        self.dims = dims  # from the model: ints, or None for dynamic dims
        self.pb = pb
        self.array = array
        self.frozen = False

    @property
    def np_dtype(self):
        return np.dtype(DTYPES[self.dtype][0]).newbyteorder("<")

    @property
    def nbytes(self):
        return int(self.array.size) * self.np_dtype.itemsize

    def le_bytes(self):
        return np.ascontiguousarray(
            self.array.astype(self.np_dtype, copy=False)).tobytes()

    def describe(self):
        return "%s %s[%s]" % (self.name, dtype_name(self.dtype),
                              ",".join(map(str, self.array.shape)))


def _dims(value_info):
    t = value_info.type
    if not t.HasField("tensor_type"):
        return None
    if not t.tensor_type.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else None
            for d in t.tensor_type.shape.dim]


def _read_pb(path):
    t = TP()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


class Case:
    """One ONNX backend test directory."""

    def __init__(self, path, freeze_shape_operands=False):
        self.path = path
        self.name = os.path.basename(path.rstrip("/"))
        self.suite = os.path.basename(os.path.dirname(path.rstrip("/")))
        self.model_path = os.path.join(path, "model.onnx")
        model = onnx.load(self.model_path)
        g = model.graph
        self.ops = [n.op_type for n in g.node]
        self.opsets = {o.domain or "ai.onnx": o.version
                       for o in model.opset_import}
        inits = {i.name for i in g.initializer}
        data = os.path.join(path, "test_data_set_0")
        if not os.path.isdir(data):
            raise Failure("%s: no test_data_set_0" % path)
        self.inputs, self.outputs = [], []
        graph_inputs = [i for i in g.input if i.name not in inits]
        for k, vi in enumerate(graph_inputs):
            self.inputs.append(self._tensor(vi, os.path.join(
                data, "input_%d.pb" % k)))
        for k, vi in enumerate(g.output):
            self.outputs.append(self._tensor(vi, os.path.join(
                data, "output_%d.pb" % k)))
        extra = [f for f in os.listdir(data) if f.endswith(".pb") and
                 not re.match(r"(input|output)_\d+\.pb$", f)]
        n_in = len([f for f in os.listdir(data) if f.startswith("input_")])
        if n_in != len(self.inputs) or extra:
            raise Failure("%s: %d input_N.pb files for %d graph inputs" % (
                path, n_in, len(self.inputs)))
        # Inputs ONNX reads as shapes or axes.
        shape_names = set()
        for n in g.node:
            for k, name in enumerate(n.input):
                if (n.op_type, k) in SHAPE_OPERANDS and name:
                    shape_names.add(name)
        for t in self.inputs:
            if is_qparam(t.name) or (freeze_shape_operands and
                                     t.name in shape_names):
                t.frozen = True

    @staticmethod
    def _tensor(vi, pb):
        if not os.path.exists(pb):
            raise Failure("%s missing" % pb)
        proto = _read_pb(pb)
        dtype = proto.data_type
        tt = vi.type.tensor_type if vi.type.HasField("tensor_type") else None
        if tt is not None and tt.elem_type == TP.BFLOAT16 and \
                dtype == TP.UINT16:
            # The bfloat16 data of onnx 1.12 is stored as UINT16 tensors.
            dtype = TP.BFLOAT16
        if tt is not None and tt.elem_type and tt.elem_type != dtype:
            raise Failure("%s: %s is %s in the model, %s in %s" % (
                vi.name, vi.name, dtype_name(tt.elem_type), dtype_name(dtype),
                pb))
        if dtype not in DTYPES:
            raise Failure("%s: element type %s is not handled by the "
                          "harness" % (vi.name, dtype_name(dtype)))
        arr = numpy_helper.to_array(proto)
        if dtype == TP.BFLOAT16:
            arr = arr.astype(np.uint16)
        dims = _dims(vi)
        if dims is not None and None not in dims and \
                list(dims) != list(arr.shape):
            raise Failure("%s: the model declares shape %s, the data %s "
                          "has %s" % (vi.name, dims, pb, list(arr.shape)))
        return Tensor(vi.name, dtype, _dims(vi), pb, np.asarray(arr))

    @property
    def runtime_inputs(self):
        return [t for t in self.inputs if not t.frozen]

    def op_summary(self):
        seen = []
        for o in self.ops:
            if o not in seen:
                seen.append(o)
        return ",".join(seen)


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def sh(cmd, cwd=None, timeout=300):
    """(exit code, stdout, stderr); retries for a while when a lowbit tool
    cannot be started (the build directory is relinked from time to time)."""
    for attempt in range(30):
        try:
            p = subprocess.run(cmd, capture_output=True, cwd=cwd,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            return 124, "", "timed out after %d s" % timeout
        except OSError as e:
            rc, so, se = 126, b"", ("cannot run %s: %s" % (cmd[0], e)).encode()
        else:
            rc, so, se = p.returncode, p.stdout, p.stderr
        se_t = se.decode("utf-8", "replace")
        transient = rc == 126 or (
            rc == 127 and "error while loading shared libraries" in se_t)
        if not (transient and "lowbit" in os.path.basename(cmd[0])):
            break
        time.sleep(3)
    return rc, so.decode("utf-8", "replace"), se_t


def cmd_str(cmd):
    return " ".join(c if re.match(r"^[\w@%+=:,./-]+$", c) else "'%s'" % c
                    for c in cmd)


def clip_text(text, lines=40):
    text = text.strip()
    ls = text.splitlines()
    if len(ls) > lines:
        ls = ls[:lines] + ["... (%d more lines)" % (len(ls) - lines)]
    return "\n".join("    " + l for l in ls)


# --------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------

_TENSOR = re.compile(
    r"^ \*   (in|out)(\d+)(?: \('[^']*'\))?: ([0-9x]*) (.*)\n \*        (\S*)\[(\d+)\], (.*)$",
    re.M)


class HeaderTensor:
    def __init__(self, io, idx, shape_text, elt, ctype):
        self.io, self.idx = io, idx
        self.elt = elt.strip()
        self.ctype = ctype
        self.shape = None
        self.bytes = None
        self.shape_text = shape_text

    @property
    def macro(self):
        return "%s_%s%d" % (FUNCTION.upper(), self.io.upper(), self.idx)


def parse_header(text):
    """(inputs, outputs) of FUNCTION, or raise Failure."""
    m = re.search(r"^/\* %s\n((?: \*.*\n)*?) \*/" % FUNCTION, text, re.M)
    if not m:
        raise Failure("the header has no comment block for %s" % FUNCTION)
    if not re.search(r"^int %s\(" % FUNCTION, text, re.M):
        raise Failure("the header declares no function %s" % FUNCTION)
    ins, outs = [], []
    for t in _TENSOR.finditer(m.group(1)):
        ht = HeaderTensor(t.group(1), int(t.group(2)), t.group(3),
                          t.group(4), t.group(5))
        rank = re.search(r"^#define %s_RANK (\d+)\s*$" % ht.macro, text, re.M)
        shp = re.search(r"^static const int64_t %s_SHAPE\[\d+\] = \{([^}]*)\}"
                        % ht.macro, text, re.M)
        nb = re.search(r"^#define %s_BYTES (-?\d+)\s*$" % ht.macro, text,
                       re.M)
        if rank and shp:
            dims = [int(x) for x in shp.group(1).split(",") if x.strip()]
            ht.shape = dims[:int(rank.group(1))]
        if nb:
            ht.bytes = int(nb.group(1))
        (ins if ht.io == "in" else outs).append(ht)
    for lst in (ins, outs):
        if [t.idx for t in lst] != list(range(len(lst))):
            raise Failure("the header numbers the tensors of %s oddly" %
                          FUNCTION)
    return ins, outs


def parse_elt(text):
    """(kind, bits, signed) of a header element type; signed is None for
    signless integers; None if not understood."""
    floats = {"f32": ("float", 32), "f64": ("float", 64),
              "f16": ("float", 16), "bf16": ("bfloat", 16)}
    if text in floats:
        return floats[text] + (True,)
    m = re.match(r"!quant\.(?:uniform|any)<([iu])(\d+)", text)
    if m:
        return ("int", int(m.group(2)), m.group(1) == "i")
    m = re.match(r"^(ui|si|i)(\d+)$", text)
    if m:
        return ("int", int(m.group(2)),
                {"ui": False, "si": True, "i": None}[m.group(1)])
    return None


def check_header(case, ins, outs):
    """Problems of the header against the ONNX graph (list of strings)."""
    errs = []
    rt = case.runtime_inputs
    if len(ins) != len(rt):
        errs.append("the header has %d inputs, expected %d (runtime graph "
                    "inputs: %s)" % (len(ins), len(rt),
                                     ", ".join(t.name for t in rt) or "none"))
    if len(outs) != len(case.outputs):
        errs.append("the header has %d outputs, expected %d (%s)" % (
            len(outs), len(case.outputs),
            ", ".join(t.name for t in case.outputs)))
    if errs:
        return errs
    for ht, t in list(zip(ins, rt)) + list(zip(outs, case.outputs)):
        what = "%s%d (%s)" % (ht.io, ht.idx, t.describe())
        kind, bits, signed = DTYPES[t.dtype][1:]
        pe = parse_elt(ht.elt)
        if pe is None:
            errs.append("%s: unknown element type %r in the header" % (
                what, ht.elt))
        elif pe[0] != kind or pe[1] != bits or (
                pe[2] is not None and kind == "int" and pe[2] != signed and
                t.dtype != TP.BOOL):
            errs.append("%s: the header says %s, which does not store %s" % (
                what, ht.elt, dtype_name(t.dtype)))
        if ht.bytes is None:
            errs.append("%s: no %s_BYTES in the header" % (what, ht.macro))
        elif ht.bytes != t.nbytes:
            errs.append("%s: %s_BYTES is %d, expected %d" % (
                what, ht.macro, ht.bytes, t.nbytes))
        if ht.shape is not None and list(ht.shape) != list(t.array.shape):
            if int(np.prod(ht.shape)) != t.array.size:
                errs.append("%s: the header's shape is %s, expected %s" % (
                    what, "x".join(map(str, ht.shape)) or "scalar",
                    "x".join(map(str, t.array.shape)) or "scalar"))
    return errs


def shape_notes(case, ins, outs):
    """Shapes that differ from ONNX's but hold as many elements."""
    notes = []
    for ht, t in list(zip(ins, case.runtime_inputs)) + \
            list(zip(outs, case.outputs)):
        if ht.shape is not None and list(ht.shape) != list(t.array.shape):
            notes.append("%s%d (%s) has shape %s in the header" % (
                ht.io, ht.idx, t.name, "x".join(map(str, ht.shape)) or
                "scalar"))
    return notes


# --------------------------------------------------------------------------
# The C driver
# --------------------------------------------------------------------------


def driver_c(header, n_in, n_out):
    P = FUNCTION.upper()
    L = ["/* Generated by test/Integration/ONNX/onnxtest.py: reads each",
         " * input's bytes from a file, calls %s and writes each output's" %
         FUNCTION,
         " * bytes to a file. usage: driver IN0 ... OUT0 ... */",
         '#include "%s"' % header,
         "#include <stdint.h>",
         "#include <stdio.h>",
         "#include <stdlib.h>",
         "#include <string.h>",
         "",
         "#define GUARD %d" % GUARD,
         "#define FILL 0x%02x" % FILL,
         "",
         "/* n bytes, 64-byte aligned, prefilled, followed by GUARD bytes. */",
         "static unsigned char *buffer(size_t n) {",
         "  size_t size = (n + GUARD + 63) / 64 * 64;",
         "  unsigned char *p = aligned_alloc(64, size);",
         "  if (!p) {",
         '    fprintf(stderr, "out of memory\\n");',
         "    exit(2);",
         "  }",
         "  memset(p, FILL, size);",
         "  return p;",
         "}",
         "",
         "static int guard_ok(const char *what, const unsigned char *p, "
         "size_t n) {",
         "  for (size_t i = n; i < n + GUARD; ++i)",
         "    if (p[i] != FILL) {",
         '      fprintf(stderr, "%s: byte %zu after the end of the buffer '
         '(%zu bytes) was written\\n", what, i - n, n);',
         "      return 0;",
         "    }",
         "  return 1;",
         "}",
         "",
         "static unsigned char *load(const char *path, size_t n) {",
         "  unsigned char *p = buffer(n);",
         '  FILE *f = fopen(path, "rb");',
         "  if (!f) {",
         "    perror(path);",
         "    exit(2);",
         "  }",
         "  size_t got = fread(p, 1, n, f);",
         "  int more = fgetc(f);",
         "  fclose(f);",
         "  if (got != n || more != EOF) {",
         '    fprintf(stderr, "%s: expected exactly %zu bytes\\n", path, n);',
         "    exit(2);",
         "  }",
         "  return p;",
         "}",
         "",
         "static void store(const char *path, const unsigned char *p, "
         "size_t n) {",
         '  FILE *f = fopen(path, "wb");',
         "  if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {",
         "    perror(path);",
         "    exit(2);",
         "  }",
         "}",
         "",
         "int main(int argc, char **argv) {",
         "  if (argc != %d) {" % (1 + n_in + n_out),
         '    fprintf(stderr, "usage: %%s %d input files, %d output files\\n",'
         ' argv[0]);' % (n_in, n_out),
         "    return 2;",
         "  }",
         "  int ok = 1;"]
    for k in range(n_in):
        L.append("  unsigned char *in%d = load(argv[%d], %s_IN%d_BYTES);" % (
            k, 1 + k, P, k))
        L.append("  unsigned char *copy%d = buffer(%s_IN%d_BYTES);" % (
            k, P, k))
        L.append("  memcpy(copy%d, in%d, %s_IN%d_BYTES);" % (k, k, P, k))
    for k in range(n_out):
        L.append("  unsigned char *out%d = buffer(%s_OUT%d_BYTES);" % (
            k, P, k))
    args = ["(const void *)in%d" % k for k in range(n_in)] + \
           ["(void *)out%d" % k for k in range(n_out)]
    L.append("  int rc = %s(%s);" % (FUNCTION, ", ".join(args)))
    L.append("  if (rc != 0) {")
    L.append('    fprintf(stderr, "%s returned %%d\\n", rc);' % FUNCTION)
    L.append("    return 1;")
    L.append("  }")
    for k in range(n_in):
        L.append("  if (memcmp(copy%d, in%d, %s_IN%d_BYTES) != 0) {" % (
            k, k, P, k))
        L.append('    fprintf(stderr, "in%d was modified\\n");' % k)
        L.append("    ok = 0;")
        L.append("  }")
        L.append('  ok &= guard_ok("in%d", in%d, %s_IN%d_BYTES);' % (
            k, k, P, k))
    for k in range(n_out):
        L.append('  ok &= guard_ok("out%d", out%d, %s_OUT%d_BYTES);' % (
            k, k, P, k))
        L.append("  store(argv[%d], out%d, %s_OUT%d_BYTES);" % (
            1 + n_in + k, k, P, k))
    L.append("  return ok ? 0 : 3;")
    L.append("}")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------


def _as_float(arr, dtype):
    if dtype == TP.BFLOAT16:
        return (arr.astype(np.uint32) << 16).view(np.float32).astype(
            np.float64)
    return arr.astype(np.float64)


def _fmt_index(shape, flat):
    if not shape:
        return "[]"
    return "[%s]" % ",".join(map(str, np.unravel_index(flat, shape)))


def compare(t, data):
    """None if output t matches the bytes `data`, else a message."""
    exp = t.array
    if len(data) != t.nbytes:
        return "%s: %d bytes written, expected %d" % (t.describe(), len(data),
                                                      t.nbytes)
    got = np.frombuffer(data, dtype=t.np_dtype).reshape(exp.shape)
    kind = DTYPES[t.dtype][1]
    n = exp.size
    if kind == "int":
        if t.dtype == TP.BOOL:
            g, e = got.view(np.uint8).ravel(), exp.astype(np.uint8).ravel()
        else:
            g, e = got.ravel(), exp.ravel()
        bad = np.nonzero(g != e)[0]
        if bad.size == 0:
            return None
        lines = ["%s: %d of %d elements differ (exact comparison)" % (
            t.describe(), bad.size, n)]
        for i in bad[:8]:
            lines.append("      at %s: got %s, expected %s" % (
                _fmt_index(exp.shape, i), g[i], e[i]))
        if bad.size > 8:
            lines.append("      ...")
        return "\n".join(lines)
    g = _as_float(got, t.dtype).ravel()
    e = _as_float(exp, t.dtype).ravel()
    with np.errstate(invalid="ignore", over="ignore"):
        tol = RTOL * np.abs(e) + ATOL
        diff = np.abs(g - e)
        ok = (diff <= tol) | (g == e) | (np.isnan(g) & np.isnan(e))
    bad = np.nonzero(~ok)[0]
    if bad.size == 0:
        return None
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = np.where(np.isfinite(diff), diff / tol, np.inf)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    worst = bad[np.argmax(ratio[bad])]
    lines = ["%s: %d of %d elements outside |got-expected| <= %g*|expected| "
             "+ %g" % (t.describe(), bad.size, n, RTOL, ATOL),
             "      worst at %s: got %r, expected %r, |diff| %.3g (allowed "
             "%.3g, relative %.3g)" % (
                 _fmt_index(exp.shape, worst), float(g[worst]),
                 float(e[worst]), diff[worst], tol[worst],
                 diff[worst] / abs(e[worst]) if e[worst] else float("inf"))]
    for i in bad[:5]:
        if i != worst:
            lines.append("      at %s: got %r, expected %r" % (
                _fmt_index(exp.shape, i), float(g[i]), float(e[i])))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# One test on one target
# --------------------------------------------------------------------------


class Tools:
    def __init__(self, compiler):
        self.compiler = compiler

    def lowbit_compile(self):
        p = self.compiler
        for _ in range(20):
            if os.path.exists(p):
                return p
            time.sleep(3)
        raise Failure("%s not found" % p)


def compile_cmd(tools, case, triple, obj, header):
    cmd = [tools.lowbit_compile(), case.model_path, OPT,
           "--target=" + triple, "-o", obj, "--header=" + header,
           "--function-name=" + FUNCTION]
    for t in case.inputs:
        if t.frozen:
            cmd.append("--freeze-input=%s=%s" % (t.name, t.pb))
    for t in case.runtime_inputs:
        if t.dims is None or any(d is None for d in t.dims):
            cmd.append("--input-shape=%s=%s" % (
                t.name, "x".join(map(str, t.array.shape))))
    return cmd


def run_one(case, tag, work, tools):
    """(ok, message lines, seconds) for case on target tag."""
    t0 = time.time()
    triple, ccname, runner = TARGETS[tag]
    d = os.path.join(work, case.name, tag)
    os.makedirs(d, exist_ok=True)
    obj = os.path.join(d, FUNCTION + ".o")
    hdr = os.path.join(d, FUNCTION + ".h")
    msgs = []

    def fail(msg):
        msgs.append(msg)
        return False, msgs, time.time() - t0

    cmd = compile_cmd(tools, case, triple, obj, hdr)
    rc, so, se = sh(cmd, timeout=600)
    if rc != 0:
        return fail("lowbit-compile failed (exit %d)\n  $ %s\n%s" % (
            rc, cmd_str(cmd), clip_text(se + so) or "    (no output)"))
    if se.strip():
        msgs.append("note: lowbit-compile printed\n%s" % clip_text(se, 10))
    if not os.path.exists(obj) or not os.path.exists(hdr):
        return fail("lowbit-compile exited 0 but did not write %s\n  $ %s" % (
            obj if not os.path.exists(obj) else hdr, cmd_str(cmd)))
    with open(hdr) as f:
        htext = f.read()
    try:
        ins, outs = parse_header(htext)
    except Failure as e:
        return fail("%s (%s)" % (e, hdr))
    errs = check_header(case, ins, outs)
    if errs:
        return fail("header %s does not match the model:\n%s" % (
            hdr, "\n".join("    " + e for e in errs)))
    for note in shape_notes(case, ins, outs):
        msgs.append("note: " + note)
    drv = os.path.join(d, "driver.c")
    with open(drv, "w") as f:
        f.write(driver_c(os.path.basename(hdr), len(ins), len(outs)))
    exe = os.path.join(d, "driver")
    link = [ccname, "-std=c11", "-O1", "-Wall",
            "-Werror=implicit-function-declaration",
            "-Werror=incompatible-pointer-types", "-I", d, drv, obj, "-o",
            exe, "-lm"]
    rc, so, se = sh(link, timeout=300)
    if rc != 0:
        return fail("linking the driver failed (exit %d)\n  $ %s\n%s" % (
            rc, cmd_str(link), clip_text(se + so)))
    in_files, out_files = [], []
    for k, t in enumerate(case.runtime_inputs):
        p = os.path.join(d, "in%d.bin" % k)
        with open(p, "wb") as f:
            f.write(t.le_bytes())
        in_files.append(p)
    for k in range(len(outs)):
        p = os.path.join(d, "out%d.bin" % k)
        if os.path.exists(p):
            os.remove(p)
        out_files.append(p)
    run = runner + [exe] + in_files + out_files
    rc, so, se = sh(run, timeout=900 if runner else 300)
    if rc != 0:
        return fail("running the driver failed (exit %d)\n  $ %s\n%s" % (
            rc, cmd_str(run), clip_text(se + so) or "    (no output)"))
    bad = []
    for k, t in enumerate(case.outputs):
        with open(out_files[k], "rb") as f:
            data = f.read()
        m = compare(t, data)
        if m:
            bad.append("out%d %s" % (k, m))
    if bad:
        return fail("outputs differ from %s:\n%s\n  $ %s\n  $ %s" % (
            os.path.join(case.path, "test_data_set_0"),
            "\n".join("    " + b for b in bad), cmd_str(cmd), cmd_str(run)))
    return True, msgs, time.time() - t0


# --------------------------------------------------------------------------
# Selection and the whole run
# --------------------------------------------------------------------------


def case_root(argv):
    """The empty directory WORKDIR.cases for a script that generates its
    test cases (usage: script WORKDIR LOWBIT_COMPILE)."""
    if len(argv) < 3:
        sys.exit("usage: %s WORKDIR LOWBIT_COMPILE" % argv[0])
    root = argv[1] + ".cases"
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)
    return root


def write_case(directory, model, inputs, outputs):
    """Writes a generated test in the backend-test layout: directory/
    model.onnx (checked with ONNX's checker) and test_data_set_0/input_N.pb,
    output_N.pb from the (name, array) lists `inputs` and `outputs`."""
    data = os.path.join(directory, "test_data_set_0")
    os.makedirs(data)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for k, (n, v) in enumerate(tensors):
            with open(os.path.join(data, "%s_%d.pb" % (kind, k)), "wb") as f:
                f.write(numpy_helper.from_array(v, n).SerializeToString())


def write_graph_case(root, name, nodes, inits, x, ref, producer,
                     opsets=(("", 13),)):
    """Saves a graph of `nodes` and initializers `inits` with one input "x"
    and one output "y" as the test case root/name, with input `x` and
    expected output `ref` (element types from the arrays). Returns name."""
    def value(n, a):
        return helper.make_tensor_value_info(
            n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], a.shape)
    graph = helper.make_graph(nodes, name, [value("x", x)], [value("y", ref)],
                              initializer=inits)
    model = helper.make_model(
        graph, producer_name=producer,
        opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    write_case(os.path.join(root, name), model, [("x", x)], [("y", ref)])
    return name


def test_dir(name):
    """A test directory from 'node/test_x', 'test_x' (node) or a path."""
    if os.path.isabs(name):
        return name
    if "/" in name:
        return os.path.join(DATA, name)
    return os.path.join(DATA, "node", name)


def list_tests(suite):
    d = os.path.join(DATA, suite)
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if n.startswith("test_") and
                  os.path.isfile(os.path.join(d, n, "model.onnx")))


def model_ops(path):
    """The op types of a test's model (a set), or None if it cannot be
    loaded."""
    try:
        m = onnx.load(os.path.join(path, "model.onnx"),
                      load_external_data=False)
    except Exception:  # noqa: BLE001 - any load failure: not selected
        return None
    return {n.op_type for n in m.graph.node}


def _subset(names):
    want = os.environ.get("ONNX_TESTS", "").strip()
    if not want:
        return names
    keys = set()
    for w in want.split(","):
        w = w.strip()
        if w:
            keys.add(w if w.startswith("test_") else "test_" + w)
    picked = [n for n in names if os.path.basename(n) in keys or n in keys]
    return picked


def short(msgs):
    """One line for a failure: the first error line of the tool's output,
    else the first line of the message."""
    m = [x for x in msgs if not x.startswith("note:")]
    if not m:
        return "?"
    lines = m[0].splitlines()
    head = lines[0].rstrip(":")
    for l in lines[1:]:
        l = l.strip()
        if re.search(r"\berror\b", l) or l.startswith("out"):
            return "%s: %s" % (head, l[:300])
    if len(lines) > 1 and not lines[1].strip().startswith("$"):
        return "%s: %s" % (head, lines[1].strip()[:300])
    return head


def log(msg=""):
    print(msg, flush=True)


def main(argv, tests, group_of, order=None, targets=("x86-64",),
         freeze_shape_operands=False, title="ONNX backend tests"):
    """Run `tests` (names for test_dir) and exit non-zero if one fails.

    group_of(case) -> the op name a test is counted under; `order` lists
    the op names in the order of the summary. targets: "x86-64",
    "aarch64", or a function of the case returning a list of them.
    """
    t_start = time.time()
    if len(argv) < 3:
        sys.exit("usage: %s WORKDIR LOWBIT_COMPILE" % argv[0])
    work = argv[1]
    tools = Tools(argv[2])
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    have_a64 = bool(shutil.which("aarch64-linux-gnu-gcc") and
                    shutil.which("qemu-aarch64") and
                    os.path.isdir(A64_SYSROOT))
    only = [t.strip() for t in os.environ.get("ONNX_TARGETS", "").split(",")
            if t.strip()]
    unknown = [t for t in only if t not in TARGETS]
    if unknown:
        sys.exit("ONNX_TARGETS: unknown target(s) %s (known: %s)" % (
            ", ".join(unknown), ", ".join(TARGETS)))
    a64_wanted = False

    def targets_of(case):
        ts = targets(case) if callable(targets) else list(targets)
        ts = [t for t in ts if not only or t in only]
        return ts

    selected = _subset(list(tests))
    if os.environ.get("ONNX_TESTS") and not selected:
        sys.exit("ONNX_TESTS=%s selects none of the %d tests of this file" % (
            os.environ["ONNX_TESTS"], len(tests)))
    cases, errors = [], {}
    for name in selected:
        path = test_dir(name)
        try:
            c = Case(path, freeze_shape_operands)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            base = os.path.basename(name)
            errors[base] = ["cannot load the test %s: %s" % (path, e)]
            log("FAIL %s: cannot load: %s" % (base, e))
            continue
        cases.append(c)

    jobs = []
    skipped_a64 = []
    for c in cases:
        for tag in targets_of(c):
            if tag == "aarch64" and not have_a64:
                a64_wanted = True
                skipped_a64.append(c.name)
                continue
            jobs.append((c, tag))
    if a64_wanted:
        log("SKIPPED: AArch64 runs of %d tests (aarch64-linux-gnu-gcc, "
            "qemu-aarch64 or %s missing)" % (len(skipped_a64), A64_SYSROOT))
    log("%s: %d tests, %d runs (%s), %s, %d jobs" % (
        title, len(cases), len(jobs),
        ", ".join(sorted({t for _, t in jobs})) or "no target", OPT, JOBS))

    results = {}  # (case name, tag) -> (ok, msgs, seconds)
    done = [0]

    def job(c, tag):
        try:
            r = run_one(c, tag, work, tools)
        except Failure as e:
            r = (False, [str(e)], 0.0)
        except Exception:  # noqa: BLE001 - a harness bug: report it
            r = (False, ["harness error:\n" + clip_text(
                traceback.format_exc(), 30)], 0.0)
        results[(c.name, tag)] = r
        done[0] += 1
        log("[%d/%d] %s %s on %s (%.1f s)" % (
            done[0], len(jobs), "PASS" if r[0] else "FAIL", c.name, tag,
            r[2]))
        return r

    with ThreadPoolExecutor(JOBS) as pool:
        futs = [pool.submit(job, c, tag) for c, tag in jobs]
        for f in futs:
            f.result()

    # Report.
    groups = {}
    for c in cases:
        groups.setdefault(group_of(c), []).append(c)
    for name in errors:
        groups.setdefault("(not loaded)", []).append(None)
    names = list(order or [])
    names += sorted(g for g in groups if g not in names)
    failed_cases = []
    notes = []
    for c in cases:
        runs = [(tag, results[(c.name, tag)]) for tag in targets_of(c)
                if (c.name, tag) in results]
        for tag, (ok, msgs, _) in runs:
            if not ok:
                failed_cases.append((c, tag, msgs))
            elif msgs:
                notes.append((c, tag, msgs))
    if notes:
        log("")
        log("Notes:")
        for c, tag, msgs in notes:
            for m in msgs:
                log("  %s on %s: %s" % (c.name, tag, m))
    if failed_cases or errors:
        log("")
        log("Failures:")
        for name, msgs in errors.items():
            log("FAIL %s" % name)
            for m in msgs:
                log("  " + m)
        for c, tag, msgs in failed_cases:
            frozen = [t.name for t in c.inputs if t.frozen]
            log("FAIL %s on %s (%s/%s, ops %s, opset %s%s)" % (
                c.name, tag, c.suite, c.name, c.op_summary(),
                c.opsets.get("ai.onnx", "?"),
                ", frozen: " + ",".join(frozen) if frozen else ""))
            for m in msgs:
                log("  " + m)
    if failed_cases or errors:
        log("")
        log("Failing tests, in short:")
        for name, msgs in errors.items():
            log("  %s: %s" % (name, short(msgs)))
        for c, tag, msgs in failed_cases:
            log("  %s on %s: %s" % (c.name, tag, short(msgs)))
    log("")
    log("Summary (%s):" % title)
    total = passed = 0
    for g in names:
        members = groups.get(g)
        if not members:
            if g in (order or []) and not os.environ.get("ONNX_TESTS"):
                log("%s: 0/0 passed" % g)
            continue
        p = 0
        bad = []
        for c in members:
            if c is None:
                continue
            runs = [results.get((c.name, tag)) for tag in targets_of(c)]
            runs = [r for r in runs if r is not None]
            if runs and all(r[0] for r in runs):
                p += 1
            else:
                bad.append(c.name)
        n = len(members)
        total += n
        passed += p
        log("%s: %d/%d passed%s" % (g, p, n, "" if not bad else
                                     "  (failing: %s)" % ", ".join(bad)))
    tags = sorted({t for _, t in jobs})
    log("Total: %d/%d passed on %s (%.1f s)" % (
        passed, total, " and ".join(tags) or "no target",
        time.time() - t_start))
    if passed != total:
        sys.exit(1)
