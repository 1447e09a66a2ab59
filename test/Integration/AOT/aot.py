"""Shared helper of the AOT tests (not a test itself).

For every model (a module of one or more public functions) a test script
hands to `run`:

  1. compile it with `lowbit-compile -O2` for x86_64-linux-gnu and
     aarch64-linux-gnu (object file + header);
  2. read every function's inputs and outputs from the generated header
     (shape, MLIR type, C storage, byte count) and generate a C driver that
     fills each input buffer with fixed bytes (values from a fixed LCG,
     within the storage range, packed like the C ABI), prefills the outputs
     with 0xA5, calls the function, checks it returns 0 and prints every
     output buffer in hex;
  3. link and run it natively (cc) and under qemu-aarch64
     (aarch64-linux-gnu-gcc), when the cross tools exist;
  4. build the JIT reference: the same module plus a `main` that passes the
     same values as constants, prints every output's stored integers or
     float bits (printMemrefI32), run through
     `lowbit-opt --lowbit-to-llvm | mlir-runner`, converted to the packed
     byte layout of the C ABI;
  5. require x86-64 bytes == AArch64 bytes == JIT bytes for every output
     (padding bits of packed outputs excepted for the JIT, which has none;
     x86-64 and AArch64 must agree on those too).

Usage from a test: `aot.run(sys.argv, models)` with models a list of
Model(name, module_text) and sys.argv = [script, WORKDIR, MLIR_LIB_DIR,
tool paths (lowbit-compile, lowbit-opt, mlir-runner; else from PATH)...]. Several functions in one module are compiled together;
if that fails, each function is compiled alone to find the culprit.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

JOBS = 3
A64_SYSROOT = "/usr/aarch64-linux-gnu"
FILL = 0xA5  # output buffers are prefilled with this byte

# --------------------------------------------------------------------------
# Element types
# --------------------------------------------------------------------------

FLOATS = {"f32": 32, "f16": 16, "bf16": 16, "f8E4M3FN": 8, "f8E5M2": 8}


class Elt:
    """An element type at the boundary, parsed from its MLIR spelling."""

    def __init__(self, text):
        self.text = text
        self.kind = None
        if text in FLOATS:
            self.kind = "float"
            self.bits = FLOATS[text]
        elif text.startswith("!lowbit.binary"):
            self.kind = "binary"
            self.bits = 1
        else:
            m = re.match(r"!quant\.uniform<([iu])(\d+)(?:<(-?\d+):(-?\d+)>)?:",
                         text)
            if not m:
                raise ValueError("unknown element type %r" % text)
            self.kind = "affine"
            self.signed = m.group(1) == "i"
            self.bits = int(m.group(2))
            if m.group(3) is not None:
                self.qmin, self.qmax = int(m.group(3)), int(m.group(4))
            elif self.signed:
                self.qmin, self.qmax = -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
            else:
                self.qmin, self.qmax = 0, (1 << self.bits) - 1

    @property
    def per_byte(self):
        """Values per byte when packed (1 when not packed)."""
        if self.kind == "binary":
            return 8
        if self.kind == "affine" and self.bits == 4:
            return 2
        if self.kind == "affine" and self.bits == 2:
            return 4
        return 1

    @property
    def bytes_per_value(self):
        if self.per_byte > 1:
            return None
        if self.kind == "float":
            return self.bits // 8
        if self.bits <= 8:
            return 1
        if self.bits <= 16:
            return 2
        return 4

    def nbytes(self, n):
        if self.per_byte > 1:
            return (n + self.per_byte - 1) // self.per_byte
        return n * self.bytes_per_value

    def padding_mask(self, n):
        """byte-array mask of the meaningful bits for n elements."""
        nb = self.nbytes(n)
        mask = np.full(nb, 0xFF, dtype=np.uint8)
        if self.per_byte > 1 and n % self.per_byte:
            width = 8 // self.per_byte
            mask[-1] = (1 << (width * (n % self.per_byte))) - 1
        return mask


# --------------------------------------------------------------------------
# Values <-> bytes
# --------------------------------------------------------------------------


class LCG:
    def __init__(self, seed):
        self.x = (seed * 2654435761 + 12345) & ((1 << 64) - 1)

    def next32(self):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
        return self.x >> 32


def f16_bits(v):
    return int(np.array([v], dtype=np.float16).view(np.uint16)[0])


def f8_is_nan_or_inf(bits, fmt):
    if fmt == "f8E4M3FN":
        return (bits & 0x7F) == 0x7F
    return (bits & 0x7C) == 0x7C  # f8E5M2: exponent all ones


def draw_values(elt, n, seed):
    """n deterministic input values: integers (stored values, -1/+1 for
    binary) or float bit patterns (finite numbers)."""
    g = LCG(seed)
    out = []
    for _ in range(n):
        r = g.next32()
        if elt.kind == "affine":
            out.append(elt.qmin + r % (elt.qmax - elt.qmin + 1))
        elif elt.kind == "binary":
            out.append(-1 if r & 1 else 1)
        elif elt.text == "f32":
            v = np.float32((r / 2.0 ** 32) * 8.0 - 4.0)
            out.append(int(np.array([v], np.float32).view(np.uint32)[0]))
        elif elt.text == "f16":
            out.append(f16_bits((r / 2.0 ** 32) * 16.0 - 8.0))
        elif elt.text == "bf16":
            v = np.float32((r / 2.0 ** 32) * 16.0 - 8.0)
            out.append(int(np.array([v], np.float32).view(np.uint32)[0]) >> 16)
        else:  # f8: any pattern that is a finite number
            b = r & 0xFF
            while f8_is_nan_or_inf(b, elt.text):
                b = g.next32() & 0xFF
            out.append(b)
    return out


def values_to_bytes(elt, vals):
    n = len(vals)
    if elt.per_byte > 1:
        width = 8 // elt.per_byte
        out = np.zeros(elt.nbytes(n), dtype=np.uint8)
        for i, v in enumerate(vals):
            if elt.kind == "binary":
                u = 1 if v == -1 else 0
                if v not in (1, -1):
                    raise ValueError("binary value %r" % v)
            else:
                u = v & ((1 << width) - 1)
            out[i // elt.per_byte] |= u << (width * (i % elt.per_byte))
        return out
    bpv = elt.bytes_per_value
    out = np.zeros(n * bpv, dtype=np.uint8)
    for i, v in enumerate(vals):
        u = v & ((1 << (8 * bpv)) - 1)
        for k in range(bpv):
            out[i * bpv + k] = (u >> (8 * k)) & 0xFF
    return out


# --------------------------------------------------------------------------
# Header parsing
# --------------------------------------------------------------------------


class Tensor:
    def __init__(self, fn, io, idx, shape, elt_text, ctext):
        self.fn, self.io, self.idx = fn, io, idx
        self.shape = shape
        self.elt = Elt(elt_text)
        self.ctext = ctext
        self.n = int(np.prod(shape)) if shape else 1
        self.bytes = None

    @property
    def macro(self):
        return "%s_%s%d" % (self.fn.upper(), self.io.upper(), self.idx)

    def type_str(self, elt=None):
        return "tensor<%s>" % "x".join(
            [str(d) for d in self.shape] + [elt or self.elt.text])


_FN = re.compile(r"^/\* (\w+)\n((?: \*.*\n)+?) \*/", re.M)
_TENSOR = re.compile(r"^ \*   (in|out)(\d+): (\S+) (.*)\n \*        (.*)$", re.M)
_DEFINE = re.compile(r"^#define (\w+) (-?\d+)\s*$", re.M)


def parse_header(text):
    """{fn: (inputs, outputs)} in the order of the header."""
    defines = {m.group(1): int(m.group(2)) for m in _DEFINE.finditer(text)}
    fns = {}
    for m in _FN.finditer(text):
        name = m.group(1)
        if not re.search(r"^int %s\(" % name, text, re.M):
            continue
        ins, outs = [], []
        for t in _TENSOR.finditer(m.group(2) + "\n"):
            shape_s = t.group(3)
            shape = [] if shape_s in ("scalar", "0-d") else [
                int(d) for d in shape_s.split("x")]
            ts = Tensor(name, t.group(1), int(t.group(2)), shape,
                        t.group(4).strip(), t.group(5).strip())
            ts.bytes = defines.get(ts.macro + "_BYTES")
            (ins if ts.io == "in" else outs).append(ts)
        fns[name] = (ins, outs)
    return fns


def header_constants(text):
    """Every value-like macro and the first element of every array."""
    names = [m.group(1) for m in re.finditer(
        r"^#define (\w+_(?:RANK|ELEMENTS|BYTES|SCALE|ZERO_POINT|QMIN|QMAX|"
        r"AXIS)) ", text, re.M)]
    names += [m.group(1) + "[0]" for m in re.finditer(
        r"^static const \w+ (\w+)\[\d+\] =", text, re.M)]
    return names


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


class Failure(Exception):
    pass


def sh(cmd, stdin=None, cwd=None, timeout=300):
    # The lowbit tools may be relinked while the test runs: retry for a
    # while when they cannot be started or loaded.
    for attempt in range(40):
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True,
                               text=True, cwd=cwd, timeout=timeout)
        except OSError as e:
            rc, so, se = 126, "", "cannot run %s: %s" % (cmd[0], e)
        else:
            rc, so, se = p.returncode, p.stdout, p.stderr
        transient = rc == 126 or (
            rc == 127 and "error while loading shared libraries" in se)
        if not (transient and "lowbit" in os.path.basename(cmd[0])):
            break
        time.sleep(3)
    return rc, so, se


def cmd_str(cmd):
    return " ".join(cmd)


TOOLS = {}  # name -> path given on the command line


def which_tool(name):
    if name in TOOLS:
        p = TOOLS[name]
        # Retry briefly: the build directory is rebuilt from time to time.
        for _ in range(20):
            if os.path.exists(p):
                return p
            time.sleep(3)
        raise Failure("%s not found" % p)
    p = shutil.which(name)
    if p:
        return p
    # Retry briefly: the build directory is rebuilt from time to time.
    for _ in range(20):
        time.sleep(3)
        p = shutil.which(name)
        if p:
            return p
    raise Failure("%s not found on PATH" % name)


# --------------------------------------------------------------------------
# The C driver
# --------------------------------------------------------------------------


def c_bytes(arr):
    hexes = ["0x%02x" % int(b) for b in arr]
    lines = []
    for i in range(0, len(hexes), 16):
        lines.append("  " + ", ".join(hexes[i:i + 16]) + ",")
    return "\n".join(lines) if lines else "  0"


def driver_c(header_name, fns, inputs):
    """inputs: {(fn, idx): bytes}."""
    out = ["/* Generated by test/Integration/AOT/aot.py. */",
           "#ifndef LOWBIT_HEADER",
           '#define LOWBIT_HEADER "%s"' % header_name,
           "#endif",
           "#include LOWBIT_HEADER",
           "#include <stdint.h>", "#include <stdio.h>", "#include <string.h>",
           "#include <stdlib.h>",
           "",
           "/* Linked with -Wl,--wrap=...: every heap allocation the model",
           "   object makes is counted. */",
           "static int heap_calls;",
           "void *__real_malloc(size_t);",
           "void *__real_calloc(size_t, size_t);",
           "void *__real_realloc(void *, size_t);",
           "void *__real_aligned_alloc(size_t, size_t);",
           "int __real_posix_memalign(void **, size_t, size_t);",
           "void *__wrap_malloc(size_t n) { ++heap_calls; "
           "return __real_malloc(n); }",
           "void *__wrap_calloc(size_t n, size_t m) { ++heap_calls; "
           "return __real_calloc(n, m); }",
           "void *__wrap_realloc(void *p, size_t n) { ++heap_calls; "
           "return __real_realloc(p, n); }",
           "void *__wrap_aligned_alloc(size_t a, size_t n) { ++heap_calls; "
           "return __real_aligned_alloc(a, n); }",
           "int __wrap_posix_memalign(void **p, size_t a, size_t n) { "
           "++heap_calls; return __real_posix_memalign(p, a, n); }",
           "",
           "static void dump(const char *fn, int idx, const void *p, size_t n) {",
           "  const unsigned char *b = (const unsigned char *)p;",
           '  printf("%s out%d ", fn, idx);',
           "  for (size_t i = 0; i < n; ++i) printf(\"%02x\", b[i]);",
           '  printf("\\n");',
           "}", ""]
    for fn, (ins, outs) in fns.items():
        for t in ins:
            out.append("static const uint8_t %s_in%d[%s_BYTES + 1] = {" % (
                fn, t.idx, t.macro))
            out.append(c_bytes(inputs[(fn, t.idx)]))
            out.append("};")
            out.append("_Static_assert(%s_BYTES == %d, \"%s bytes\");" % (
                t.macro, len(inputs[(fn, t.idx)]), t.macro))
        for t in outs:
            # 16-byte aligned, as a caller would typically allocate.
            out.append("static uint8_t %s_out%d[%s_BYTES] "
                       "__attribute__((aligned(16)));" % (fn, t.idx, t.macro))
    out.append("")
    out.append("int main(void) {")
    out.append("  int failed = 0;")
    for fn, (ins, outs) in fns.items():
        args = ["(const void *)%s_in%d" % (fn, t.idx) for t in ins] + \
               ["(void *)%s_out%d" % (fn, t.idx) for t in outs]
        for t in outs:
            out.append("  memset(%s_out%d, 0x%02x, sizeof %s_out%d);" % (
                fn, t.idx, FILL, fn, t.idx))
        out.append("  {")
        out.append("    int rc = %s(%s);" % (fn, ", ".join(args)))
        out.append("    if (rc != 0) {")
        out.append('      printf("%s returned %%d\\n", rc);' % fn)
        out.append("      failed = 1;")
        out.append("    }")
        out.append("  }")
        for t in outs:
            out.append('  dump("%s", %d, %s_out%d, %s_BYTES);' % (
                fn, t.idx, fn, t.idx, t.macro))
        # The same through <fn>_with_scratch, on scratch memory filled
        # with garbage and then on what the first call left there: the
        # outputs must not change; misaligned scratch is refused.
        macro = fn.upper()
        sargs = ["(const void *)%s_in%d" % (fn, t.idx) for t in ins] + \
                ["(void *)%s_again%d" % (fn, t.idx) for t in outs]
        out.append("#ifdef %s_SCRATCH_BYTES" % macro)
        out.append("  {")
        out.append("    static unsigned char scratch[%s_SCRATCH_BYTES + 64] "
                   "__attribute__((aligned(64)));" % macro)
        out.append("    _Static_assert(%s_SCRATCH_ALIGN <= 64, \"align\");"
                   % macro)
        out.append("    _Static_assert(%s_SCRATCH_BYTES >= "
                   "%s_PEAK_ACTIVATION_BYTES, \"peak\");" % (macro, macro))
        for t in outs:
            out.append("    static uint8_t %s_again%d[%s_BYTES + 1];" % (
                fn, t.idx, t.macro))
        out.append("    memset(scratch, 0xa5, sizeof scratch);")
        out.append("    for (int pass = 0; pass < 2; ++pass) {")
        out.append("      heap_calls = 0;")
        out.append("      int rc = %s_with_scratch(%s, scratch);" % (
            fn, ", ".join(sargs)))
        out.append("      if (heap_calls != 0) {")
        out.append('        printf("%s_with_scratch allocated %%d times\\n", '
                   'heap_calls);' % fn)
        out.append("        failed = 1;")
        out.append("      }")
        out.append("      if (rc != 0) {")
        out.append('        printf("%s_with_scratch returned %%d\\n", rc);'
                   % fn)
        out.append("        failed = 1;")
        out.append("      }")
        for t in outs:
            out.append("      if (memcmp(%s_again%d, %s_out%d, %s_BYTES)) {" %
                       (fn, t.idx, fn, t.idx, t.macro))
            out.append('        printf("%s_with_scratch out%d differs\\n");'
                       % (fn, t.idx))
            out.append("        failed = 1;")
            out.append("      }")
        out.append("    }")
        out.append("    if (%s_SCRATCH_BYTES > 0 && "
                   "%s_with_scratch(%s, scratch + 1) != 1) {" % (
                       macro, fn, ", ".join(sargs)))
        out.append('      printf("%s_with_scratch took misaligned '
                   'scratch\\n");' % fn)
        out.append("      failed = 1;")
        out.append("    }")
        out.append("  }")
        out.append("#endif")
    out.append("  return failed;")
    out.append("}")
    return "\n".join(out) + "\n"


# Heap functions the driver counts (see driver_c).
WRAP_HEAP = "-Wl," + ",".join(
    "--wrap=" + f for f in ("malloc", "calloc", "realloc", "aligned_alloc",
                            "posix_memalign"))


def parse_driver_output(text):
    res = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+) out(\d+) ([0-9a-f]*)$", line)
        if m:
            res[(m.group(1), int(m.group(2)))] = np.frombuffer(
                bytes.fromhex(m.group(3)), dtype=np.uint8)
    return res


# --------------------------------------------------------------------------
# The JIT reference
# --------------------------------------------------------------------------


def dense(vals, shape):
    arr = np.asarray(vals, dtype=np.int64).reshape(shape)

    def rec(a):
        if a.ndim == 0:
            return str(int(a))
        return "[" + ", ".join(rec(x) for x in a) + "]"
    return "dense<%s>" % rec(arr)


def value_int_type(elt):
    if elt.bits == 32:
        return "i32"
    if elt.signed:
        return "i8" if elt.bits <= 8 else "i16"
    return "i16" if elt.bits < 16 else "i32"


def jit_main(fns, values):
    """The `main` function: constants, calls, prints. values: {(fn, idx):
    list of values}."""
    L = ["  func.func @main() {"]
    c = [0]

    def fresh(h):
        c[0] += 1
        return "%%%s%d" % (h, c[0])

    def print_i32(name, t):
        m, u = fresh("m"), fresh("u")
        L.append("    %s = bufferization.to_buffer %s : %s to memref<%s>" % (
            m, name, t.type_str("i32"), t.type_str("i32")[7:-1]))
        L.append("    %s = memref.cast %s : memref<%s> to memref<*xi32>" % (
            u, m, t.type_str("i32")[7:-1]))
        L.append("    call @printMemrefI32(%s) : (memref<*xi32>) -> ()" % u)

    for fn, (ins, outs) in fns.items():
        args = []
        for t in ins:
            vals = values[(fn, t.idx)]
            e = t.elt
            if e.kind == "affine":
                v = fresh("c")
                L.append("    %s = lowbit.constant %s : %s as %s" % (
                    v, dense(vals, t.shape), t.type_str(value_int_type(e)),
                    t.type_str()))
            elif e.kind == "binary":
                v = fresh("c")
                L.append("    %s = lowbit.constant %s : %s as %s" % (
                    v, dense(vals, t.shape), t.type_str("i8"), t.type_str()))
            else:
                w = e.bits
                half = 1 << (w - 1)
                sv = [x - (1 << w) if x >= half else x for x in vals]
                ci, v = fresh("b"), fresh("f")
                L.append("    %s = arith.constant %s : %s" % (
                    ci, dense(sv, t.shape), t.type_str("i%d" % w)))
                L.append("    %s = arith.bitcast %s : %s to %s" % (
                    v, ci, t.type_str("i%d" % w), t.type_str()))
            args.append(v)
        res = fresh("r")
        rtypes = [t.type_str() for t in outs]
        lhs = res if len(outs) == 1 else "%s:%d" % (res, len(outs))
        L.append("    %s = func.call @%s(%s) : (%s) -> (%s)" % (
            lhs, fn, ", ".join(args), ", ".join(t.type_str() for t in ins),
            ", ".join(rtypes)))
        for t in outs:
            r = res if len(outs) == 1 else "%s#%d" % (res, t.idx)
            e = t.elt
            if e.kind == "affine":
                s = fresh("s")
                st = "i%d" % e.bits
                L.append("    %s = lowbit.storage_cast %s : %s to %s" % (
                    s, r, t.type_str(), t.type_str(st)))
                if e.bits < 32:
                    x = fresh("x")
                    L.append("    %s = %s %s : %s to %s" % (
                        x, "arith.extsi" if e.signed else "arith.extui", s,
                        t.type_str(st), t.type_str("i32")))
                    s = x
            elif e.kind == "binary":
                b, s = fresh("s"), fresh("x")
                L.append("    %s = lowbit.storage_cast %s : %s to %s" % (
                    b, r, t.type_str(), t.type_str("i1")))
                L.append("    %s = arith.extui %s : %s to %s" % (
                    s, b, t.type_str("i1"), t.type_str("i32")))
            else:
                w = e.bits
                s = fresh("i")
                L.append("    %s = arith.bitcast %s : %s to %s" % (
                    s, r, t.type_str(), t.type_str("i%d" % w)))
                if w < 32:
                    x = fresh("x")
                    L.append("    %s = arith.extui %s : %s to %s" % (
                        x, s, t.type_str("i%d" % w), t.type_str("i32")))
                    s = x
            print_i32(s, t)
    L.append("    return")
    L.append("  }")
    L.append("  func.func private @printMemrefI32(memref<*xi32>) "
             "attributes {llvm.emit_c_interface}")
    return "\n".join(L) + "\n"


def insert_main(module_text, main_text):
    """Put main inside the (single) top-level module of module_text."""
    body = module_text.rstrip()
    if re.search(r"^module\b", body, re.M):
        assert body.endswith("}"), "module text must end with '}'"
        return body[:-1].rstrip() + "\n" + main_text + "}\n"
    return body + "\n" + main_text


_HEAD = re.compile(r"Unranked Memref base@ = \S+ rank = (\d+) offset = -?\d+ "
                   r"sizes = \[([^\]]*)\] strides = \[[^\]]*\] data =")


def parse_runner(text):
    heads = list(_HEAD.finditer(text))
    res = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        res.append([int(x) for x in re.findall(r"-?\d+", text[h.end():end])])
    return res


def jit_bytes(t, printed):
    """Printed i32 values -> the C ABI bytes of output t."""
    e = t.elt
    if e.kind == "binary":
        vals = [-1 if v else 1 for v in printed]
    else:
        vals = printed
    return values_to_bytes(e, vals)


# --------------------------------------------------------------------------
# Driver of one test file
# --------------------------------------------------------------------------


def log(msg):
    print(msg, flush=True)


def first_diffs(a, b, mask, limit=8):
    n = min(len(a), len(b))
    d = [i for i in range(n) if (int(a[i]) ^ int(b[i])) & int(mask[i])]
    return d[:limit], len(d)


def hexs(arr, lo, hi):
    return " ".join("%02x" % int(x) for x in arr[lo:hi])


class Model:
    def __init__(self, name, text):
        self.name = name
        self.text = text


def compile_cmd(src, obj, triple, extra=()):
    return [which_tool("lowbit-compile"), src, "-O2", "--target=" + triple,
            "-o", obj] + list(extra)


# Extra builds with other int8 dot-product kernels (--dot-kernels=auto
# picks them from the features; the default builds, generic CPUs, use the
# SSE2 and plain NEON ones):
# (tag, triple, lowbit-compile flags, /proc/cpuinfo flags the host needs to
# run an x86 build natively). AArch64 builds run under qemu, whose default
# CPU has dotprod.
KERNEL_VARIANTS = [
    ("x86-avx512vnni", "x86_64-linux-gnu",
     ["--mattr=+avx512f,+avx512bw,+avx512vnni"],
     ["avx512f", "avx512bw", "avx512_vnni"]),
    ("x86-avxvnni", "x86_64-linux-gnu", ["--mattr=+avx2,+avxvnni"],
     ["avx2", "avx_vnni"]),
    ("x86-avx2", "x86_64-linux-gnu", ["--mattr=+avx2"], ["avx2"]),
    ("a64-dotprod", "aarch64-linux-gnu", ["--mattr=+dotprod"], []),
    # The generic loops, which the default builds no longer use.
    ("x86-nokernels", "x86_64-linux-gnu", ["--dot-kernels=none"], []),
    # Kernel loops split across threads (3: uneven chunks); the outputs
    # must not change by a bit.
    ("x86-threads", "x86_64-linux-gnu", ["--threads=3"], []),
    ("a64-threads", "aarch64-linux-gnu", ["--threads=2"], []),
    # 4- and 2-bit weights two and four to a byte in every layer (by
    # default only in one-row matmuls), unpacked in registers.
    ("x86-packed", "x86_64-linux-gnu", ["--pack-weights=always"], []),
    ("x86-avx512vnni-packed", "x86_64-linux-gnu",
     ["--mattr=+avx512f,+avx512bw,+avx512vnni", "--pack-weights=always"],
     ["avx512f", "avx512bw", "avx512_vnni"]),
    ("a64-dotprod-packed", "aarch64-linux-gnu",
     ["--mattr=+dotprod", "--pack-weights=always"], []),
    ("a64-packed", "aarch64-linux-gnu", ["--pack-weights=always"], []),
]


def host_cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def split_functions(module_text):
    """(prefix, [function texts], suffix) of a module with top-level
    func.func ops (used to compile functions one by one on failure)."""
    lines = module_text.splitlines(keepends=True)
    starts = [i for i, l in enumerate(lines) if re.match(r"^\s*func\.func @", l)]
    if not starts:
        return None
    end = max(i for i, l in enumerate(lines) if l.strip() == "}")
    prefix = "".join(lines[:starts[0]])
    fns = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else end
        fns.append("".join(lines[s:e]))
    return prefix, fns, "".join(lines[end:])


def run(argv, models, what="modules", kernel_variants=False):
    """kernel_variants: also build and run the KERNEL_VARIANTS the host can
    run."""
    t0 = time.time()
    if len(argv) < 3:
        sys.exit("usage: %s WORKDIR MLIR_LIB_DIR [TOOL_PATH...]" % argv[0])
    work, libdir = argv[1], argv[2]
    for a in argv[3:]:
        base = os.path.basename(a)
        if base in ("lowbit-compile", "lowbit-opt", "mlir-runner"):
            TOOLS[base] = a
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    runner_libs = ",".join(os.path.join(libdir, l) for l in (
        "libmlir_runner_utils.so", "libmlir_c_runner_utils.so"))
    have_a64 = bool(shutil.which("aarch64-linux-gnu-gcc") and
                    shutil.which("qemu-aarch64"))
    if not have_a64:
        log("SKIPPED: aarch64 cross tools missing")
    cc = shutil.which("cc")
    variants = []
    if kernel_variants:
        flags = host_cpu_flags()
        for tag, triple, extra, need in KERNEL_VARIANTS:
            if triple.startswith("aarch64") and not have_a64:
                log("SKIPPED: %s (no AArch64 cross tools)" % tag)
            elif all(n in flags for n in need):
                variants.append((tag, triple, extra))
            else:
                log("SKIPPED: %s (the host CPU lacks %s)" % (
                    tag, ", ".join(n for n in need if n not in flags)))
    errors = []
    nfuncs = [0]
    pool = ThreadPoolExecutor(JOBS)

    def err(msg):
        errors.append(msg)
        log("FAIL: " + msg)

    def one_model(m):
        d = os.path.join(work, m.name)
        os.makedirs(d)
        src = os.path.join(d, m.name + ".mlir")
        with open(src, "w") as f:
            f.write(m.text)
        triples = [("x86", "x86_64-linux-gnu", [])]
        if have_a64:
            triples.append(("a64", "aarch64-linux-gnu", []))
        triples += variants
        objs = {}
        futs = {}
        for tag, triple, extra in triples:
            obj = os.path.join(d, "%s_%s.o" % (m.name, tag))
            cmd = compile_cmd(src, obj, triple, extra)
            futs[tag] = (cmd, obj, pool.submit(sh, cmd))
        # The JIT runs concurrently with the compiles once the header is
        # known; first wait for the x86 compile.
        ok = True
        for tag, (cmd, obj, fut) in futs.items():
            rc, so, se = fut.result()
            if rc != 0:
                ok = False
                err("%s: compile for %s failed (exit %d)\n  $ %s\n%s" % (
                    m.name, tag, rc, cmd_str(cmd), se.strip()))
                diagnose_compile(m, d, [t for t in triples if t[0] == tag][0],
                                 err)
            else:
                objs[tag] = obj
        if "x86" not in objs:
            return
        with open(objs["x86"][:-2] + ".h") as f:
            hx = f.read()
        fns = parse_header(hx)
        if not fns:
            err("%s: no function found in the header %s" % (
                m.name, objs["x86"][:-2] + ".h"))
            return
        if "a64" in objs:
            with open(objs["a64"][:-2] + ".h") as f:
                ha = f.read()
            # Same header up to the include guard (named after the file)
            # and the memory figures (each target has its own kernels).
            norm = lambda s: re.sub(
                r"(_SCRATCH_BYTES|_PEAK_ACTIVATION_BYTES|_WEIGHT_BYTES) \d+",
                r"\1 N", re.sub(r"LOWBIT_\w+_H\b", "G", s))
            if norm(ha) != norm(hx):
                err("%s: the x86-64 and AArch64 headers differ" % m.name)
        nfuncs[0] += len(fns)
        # Inputs.
        values, inputs = {}, {}
        for fn, (ins, outs) in fns.items():
            for t in ins + outs:
                if t.bytes != t.elt.nbytes(t.n):
                    err("%s: %s_BYTES is %s, expected %d for %s of %s" % (
                        m.name, t.macro, t.bytes, t.elt.nbytes(t.n),
                        "x".join(map(str, t.shape)), t.elt.text))
            for t in ins:
                seed = zlib.crc32(("%s/%d" % (fn, t.idx)).encode())
                v = draw_values(t.elt, t.n, seed)
                values[(fn, t.idx)] = v
                inputs[(fn, t.idx)] = values_to_bytes(t.elt, v)
        drv = os.path.join(d, "driver.c")
        with open(drv, "w") as f:
            f.write(driver_c(os.path.basename(objs["x86"][:-2] + ".h"),
                             fns, inputs))
        # Every constant of the header must be usable from C (separately
        # from the driver, which only needs the _BYTES macros).
        hc = os.path.join(d, "header_check.c")
        with open(hc, "w") as f:
            f.write('#include "%s"\ndouble header_check(void) {\n'
                    '  double sink = 0;\n%s  return sink;\n}\n' % (
                        os.path.basename(objs["x86"][:-2] + ".h"),
                        "".join("  sink += (double)%s;\n" % c
                                for c in header_constants(hx))))
        hc_cmd = [cc, "-std=c11", "-Wall", "-Werror", "-c", hc, "-o",
                  hc[:-2] + ".o"]
        hc_fut = pool.submit(sh, hc_cmd)
        # JIT module.
        jit_src = os.path.join(d, m.name + ".jit.mlir")
        with open(jit_src, "w") as f:
            f.write(insert_main(m.text, jit_main(fns, values)))

        def run_jit():
            cmd1 = [which_tool("lowbit-opt"), "--lowbit-to-llvm", jit_src]
            rc, so, se = sh(cmd1)
            if rc != 0:
                return ("%s: JIT lowering failed (exit %d)\n  $ %s\n%s" % (
                    m.name, rc, cmd_str(cmd1), se.strip()[:3000]), None)
            ll = jit_src[:-5] + ".llvm.mlir"
            with open(ll, "w") as f:
                f.write(so)
            cmd2 = [which_tool("mlir-runner"), "-e", "main",
                    "-entry-point-result=void", "-shared-libs=" + runner_libs,
                    ll]
            rc, so, se = sh(cmd2)
            if rc != 0 and "unregistered dialect" in se and \
                    "lowbit.requant_mode" in open(ll).read():
                # Known problem: --lowbit-to-llvm keeps the module's
                # lowbit.requant_mode attribute, which mlir-runner cannot
                # parse. Report it, then strip it (it has done its job) so
                # the outputs can still be compared.
                err("%s: the output of --lowbit-to-llvm keeps the "
                    "lowbit.requant_mode attribute and mlir-runner rejects "
                    "it\n  $ %s | %s\n%s" % (m.name, cmd_str(cmd1),
                                             cmd_str(cmd2), se.strip()[:600]))
                with open(ll) as f:
                    text = f.read()
                text = re.sub(r"lowbit\.requant_mode = #lowbit\.requant_mode"
                              r"<\w+>,?\s*", "", text)
                text = text.replace("attributes {}", "")
                with open(ll, "w") as f:
                    f.write(text)
                rc, so, se = sh(cmd2)
            if rc != 0:
                return ("%s: JIT run failed (exit %d)\n  $ %s | %s\n%s" % (
                    m.name, rc, cmd_str(cmd1), cmd_str(cmd2),
                    se.strip()[:3000]), None)
            return None, so

        jit_fut = pool.submit(run_jit)

        def build_and_run(tag):
            # Each target's driver includes its own header (they differ
            # only in the guard and the memory figures) and links its own
            # object.
            exe = os.path.join(d, "driver_" + tag)
            own_header = '-DLOWBIT_HEADER="%s"' % os.path.basename(
                objs[tag][:-2] + ".h")
            if tag.startswith("x86"):
                link = [cc, "-O1", "-std=c11", "-I", d, own_header, drv,
                        objs[tag], WRAP_HEAP, "-o", exe, "-lm"]
                runc = [exe]
            else:
                link = ["aarch64-linux-gnu-gcc", "-O1", "-std=c11", "-I", d,
                        own_header, drv, objs[tag], WRAP_HEAP, "-o", exe,
                        "-lm"]
                runc = ["qemu-aarch64", "-L", A64_SYSROOT, exe]
            rc, so, se = sh(link)
            if rc != 0:
                return ("%s: link for %s failed (exit %d)\n  $ %s\n%s" % (
                    m.name, tag, rc, cmd_str(link), se.strip()[:3000]), None)
            rc, so, se = sh(runc)
            with open(exe + ".out", "w") as f:
                f.write(so)
            if rc != 0:
                return ("%s: running the %s driver failed (exit %d)\n  $ %s\n"
                        "%s%s" % (m.name, tag, rc, cmd_str(runc),
                                  so.strip()[:2000], se.strip()[:2000]),
                        parse_driver_output(so))
            return None, parse_driver_output(so)

        run_futs = {tag: pool.submit(build_and_run, tag) for tag in objs}
        got = {}
        for tag, fut in run_futs.items():
            e, res = fut.result()
            if e:
                err(e)
            if res is not None:
                got[tag] = res
        rc, so, se = hc_fut.result()
        if rc != 0:
            err("%s: the header is not valid C (exit %d)\n  $ %s\n%s" % (
                m.name, rc, cmd_str(hc_cmd), se.strip()[:3000]))
        e, jout = jit_fut.result()
        if e:
            err(e)
        else:
            printed = parse_runner(jout)
            nouts = sum(len(o) for _, o in fns.values())
            if len(printed) != nouts:
                err("%s: the JIT printed %d results, expected %d" % (
                    m.name, len(printed), nouts))
            else:
                k = 0
                got["jit"] = {}
                for fn, (ins, outs) in fns.items():
                    for t in outs:
                        got["jit"][(fn, t.idx)] = jit_bytes(t, printed[k])
                        k += 1
        if os.environ.get("LOWBIT_AOT_PERTURB") and "jit" in got:
            # Manual check of the checker: flip one bit of one JIT output.
            key = sorted(got["jit"])[0]
            got["jit"][key] = got["jit"][key].copy()
            got["jit"][key][-1] ^= 0x01
        compare(m, fns, got, err)

    def compare(m, fns, got, err):
        ref_tag = "jit" if "jit" in got else None
        for fn, (ins, outs) in fns.items():
            for t in outs:
                key = (fn, t.idx)
                full = np.full(t.bytes or 0, 0xFF, dtype=np.uint8)
                mask = t.elt.padding_mask(t.n)
                pairs = []
                if ref_tag:
                    pairs += [(ref_tag, tag, mask) for tag in sorted(got)
                              if tag != ref_tag]
                if "x86" in got and "a64" in got:
                    pairs.append(("x86", "a64", full))
                for ta, tb, mk in pairs:
                    a, b = got[ta].get(key), got[tb].get(key)
                    if a is None or b is None:
                        err("%s: %s out%d missing from the %s output" % (
                            m.name, fn, t.idx, ta if a is None else tb))
                        continue
                    if len(a) != len(b):
                        err("%s: %s out%d: %s has %d bytes, %s has %d" % (
                            m.name, fn, t.idx, ta, len(a), tb, len(b)))
                        continue
                    d, nd = first_diffs(a, b, mk)
                    if nd:
                        lo = max(0, d[0] - 4)
                        hi = min(len(a), d[0] + 12)
                        err("%s: function %s out%d (%s %s): %s and %s differ "
                            "in %d of %d bytes, first at byte offsets %s\n"
                            "  %s (expected) bytes %d..%d: %s\n"
                            "  %s (got)      bytes %d..%d: %s" % (
                                m.name, fn, t.idx,
                                "x".join(map(str, t.shape)), t.elt.text,
                                ta, tb, nd, len(a), d, ta, lo, hi - 1,
                                hexs(a, lo, hi), tb, lo, hi - 1,
                                hexs(b, lo, hi)))

    # one_model waits for jobs of `pool`: it gets threads of its own.
    mpool = ThreadPoolExecutor(max(1, len(models)))
    futures = [mpool.submit(one_model, m) for m in models]
    for f in futures:
        try:
            f.result()
        except Failure as e:
            err(str(e))
    mpool.shutdown()
    pool.shutdown()
    dt = time.time() - t0
    targets = "x86-64, AArch64 and the JIT" if have_a64 else \
        "x86-64 and the JIT (AArch64 skipped)"
    if variants:
        targets += " (also with the %s kernels)" % ", ".join(
            tag for tag, _, _ in variants)
    if errors:
        log("FAILED: %d error(s); %d models (%d %s), %.1f s" % (
            len(errors), nfuncs[0], len(models), what, dt))
        sys.exit(1)
    log("%d models agree on %s (%d %s, %.1f s)" % (
        nfuncs[0], targets, len(models), what, dt))


def diagnose_compile(m, d, build, err):
    """After a failed compile of a multi-function module: compile each
    function alone to name the failing ones. build = (tag, triple, flags)."""
    tag, triple, extra = build
    parts = split_functions(m.text)
    if not parts or len(parts[1]) < 2:
        return
    prefix, fns, suffix = parts
    for k, ftext in enumerate(fns):
        name = re.search(r"func\.func @(\w+)", ftext).group(1)
        src = os.path.join(d, "%s.only.mlir" % name)
        with open(src, "w") as f:
            f.write(prefix + ftext + suffix)
        cmd = compile_cmd(src, src[:-5] + "_%s.o" % tag, triple, extra)
        rc, so, se = sh(cmd)
        if rc != 0:
            err("%s: function %s alone fails to compile for %s\n  $ %s\n%s" % (
                m.name, name, triple, cmd_str(cmd), se.strip()))


# --------------------------------------------------------------------------
# Helpers to write per-op models
# --------------------------------------------------------------------------


def ttype(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elt])


def per_axis(storage, axis, scales, zps=None):
    zps = zps or [0] * len(scales)
    return "!quant.uniform<%s:f32:%d, {%s}>" % (storage, axis, ", ".join(
        "%r:%d" % (float(s), z) if z else "%r" % float(s)
        for s, z in zip(scales, zps)))


def qconst(name, rng, shape, elt_text):
    """`%name = lowbit.constant` with random values in the range of
    elt_text (affine or binary)."""
    e = Elt(elt_text)
    if e.kind == "binary":
        vals = rng.choice([-1, 1], size=shape)
        vt = "i8"
    else:
        vals = rng.integers(e.qmin, e.qmax + 1, size=shape)
        vt = value_int_type(e)
    return "%%%s = lowbit.constant %s : %s as %s" % (
        name, dense(vals.ravel(), shape), ttype(shape, vt),
        ttype(shape, elt_text))


def module(funcs, attrs=None):
    head = "module attributes {%s} {\n" % attrs if attrs else "module {\n"
    return head + "\n".join(funcs) + "}\n"
