//===- Passes.td - lowbit transformation passes ------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitVerifyModel : Pass<"lowbit-verify-model", "ModuleOp"> {
  let summary = "check that a model is ready for lowering";
  let description = [{
    Checks whole-model properties that single op verifiers cannot: every
    function argument and result of a public function has a lowbit element
    type and a static shape, the module records at most one
    requantization mode, and no tensor (argument, result or value of any
    op) is larger than `max-tensor-bytes` at its storage width (computed
    from the shape in constant time, without overflow).
  }];
  let options = [
    Option<"maxTensorBytes", "max-tensor-bytes", "int64_t",
           /*default=*/"int64_t(1) << 32",
           "largest tensor a model may hold, in bytes (default 4 GiB)">,
  ];
}

def LowBitPackSubByte : Pass<"lowbit-pack-subbyte", "ModuleOp"> {
  let summary = "store 2- and 4-bit integer tensors packed in bytes";
  let description = [{
    Runs after `--lowbit-lower-quantized`. LLVM gives every `i4` or `i2`
    element a whole byte in memory; this pass packs them instead, as ONNX
    does for int4: two 4-bit or four 2-bit values per byte, the first
    element in the least-significant bits, along the flattened row-major
    order, the last byte padded with zero bits.

    * Constant `i4`/`i2` tensors become packed `i8` constants (half or a
      quarter of the bytes in the object file) unpacked where used.
    * Arguments and results of public functions with `i4`/`i2` tensor types
      become 1-D `i8` tensors of packed bytes, so callers pass packed data;
      so do binary (`i1`) ones, eight values per byte (bit 1 = -1).

    Other widths (3, 5, 6, 7 bits) keep one storage byte per element.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowBitFuseQDQ : Pass<"lowbit-fuse-qdq", "ModuleOp"> {
  let summary = "turn dequantize -> float op -> quantize into the quantized op";
  let description = [{
    Quantized ONNX models in the QDQ form (as PyTorch and onnxruntime write
    them) compute every layer as

    ```
    %x = lowbit.dequantize %xq      %w = lowbit.dequantize %wq
    %b = lowbit.dequantize %bq      (int32 bias, scale s_x * s_w)
    %y = lowbit.conv2d %x, %w bias %b act(relu) : ... f32
    %yq = lowbit.quantize %y : ... -> !quant.uniform<u8:f32, s_y:z_y>
    ```

    By the definition of lowbit's quantized ops (dequantize the operands,
    compute in real arithmetic, quantize the result) this is one quantized
    op, `lowbit.conv2d %xq, %wq bias %bq act(relu) -> s_y:z_y`, which the
    integer lowering then computes with an int32 accumulator and one
    requantization, as onnxruntime and PyTorch's quantized engines do.
    Handles conv2d, matmul, add and mul, and max_pool2d when its input and
    output types agree; a dequantize followed by a quantize to the same type
    cancels. A conv2d or matmul whose operands all come from dequantize ops
    but whose result is not quantized (a float output layer, or a binary
    layer followed by batch normalization as QONNX writes it) takes the
    quantized operands and keeps its float result: integer or XNOR-popcount
    arithmetic with one rescale at the end. Ops whose operands do not all
    come from dequantize ops, or whose bias scale is not s_x * s_w, are left
    in float. Reshapes and
    transposes between a dequantize and its user move before the
    dequantize, onto the quantized values.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowBitFuseThresholds : Pass<"lowbit-fuse-thresholds", "ModuleOp"> {
  let summary = "fold scale, bias, batch norm, activation and the next "
                "sign into per-channel integer thresholds";
  let description = [{
    Finds, on IR written the plain way,

    ```
    %y = lowbit.conv2d / lowbit.matmul  (binary or ternary operands, constant
                                         weights, f32 result, optional
                                         constant bias and activation)
    %z = lowbit.mul / lowbit.add %y, <constant per-channel or scalar f32>
         (any number, each with an optional activation)
    %b = lowbit.sign %z             or   lowbit.threshold %z, <constant f32>
    ```

    and replaces it with the integer dot product followed by one
    `lowbit.threshold` on it, so the popcount accumulator is compared with
    one integer per channel and level (Larq Compute Engine, FINN
    MultiThreshold). The thresholds are found by evaluating the float
    computation the unfused graph performs (float32, in the same order) on
    every possible dot product in [-K, K] (by bisection, since every step is
    monotonic), so the fused graph produces exactly the bits of the unfused
    one. A channel whose function decreases has its weights negated at
    compile time; a channel whose output never changes gets a threshold of
    INT32_MIN (always on) or INT32_MAX (never on).

    Before that, `lowbit.sign` of a `lowbit.max_pool2d` becomes the pool of
    the sign (sign is monotone, so it commutes with max; the pool's padding,
    the smallest value of its type, maps to -1, which never wins), so the
    pool runs on packed bits; and the sign of per-tensor quantized integers
    becomes `lowbit.threshold` at the zero point (stored x >= zp is real
    x >= 0).

    A threshold (or sign) of the requantized result of a matmul/conv2d on
    integer operands with constant weights and bias (an int8 first layer
    whose output is binarized) is moved onto the exact int32 accumulator:
    requantization, zero point and the activation's clamp are monotonic in
    the accumulator, so each stored threshold becomes the smallest
    accumulator that reaches it, found by bisection on the same fixed-point
    or float arithmetic the lowering emits (`requant-mode`, or the
    function's `lowbit.requant_mode`). The layer then skips the
    requantization pass over its output.
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string",
           /*default=*/"\"fixed-point\"",
           "requantization for functions that record no lowbit.requant_mode: "
           "fixed-point (TFLite, integer only) or float (ONNX)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def LowBitCReturnStatus : Pass<"lowbit-c-return-status", "ModuleOp"> {
  let summary = "make public functions without results return an i32 status";
  let description = [{
    Part of the C ABI of compiled models: after results have become
    out-parameters, every public function returns `i32` 0 (success), so the
    exported C function is `int name(inputs..., outputs...)`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def LowBitCopiesToLinalg : Pass<"lowbit-copies-to-linalg"> {
  let summary = "rewrite memref.copy as linalg.copy";
  let description = [{
    memref.copy between buffers with non-identity layouts (padding
    windows, reshaped views) lowers to a call into MLIR's C runner library
    (`memrefCopy`). Compiled models link against libc only, so copies
    become linalg.copy, which later lowers to plain loops.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LowBitPlanMemory : Pass<"lowbit-plan-memory", "ModuleOp"> {
  let summary = "place a function's intermediate buffers in one planned "
                "arena";
  let description = [{
    Static memory planning for compiled models. Runs on buffers (after
    bufferization and the C ABI's out-parameters, before deallocation is
    inserted). For every public function whose results are not memrefs:

    - each statically shaped `memref.alloc` in the function body gets a
      live range: from the allocation to the last top-level operation that
      uses it or any of its aliases (views, reshapes, loop-carried
      values);
    - buffers are packed into one byte arena, at offsets aligned to
      `alignment`, so that two buffers share bytes only if their live
      ranges are disjoint (several placement orders are tried, the
      smallest arena is kept);
    - the body moves into a private function `<name>_body` that takes each
      planned buffer as an extra trailing argument (marked with
      `lowbit.arena_buffers`, their offsets and sizes, for
      `--lowbit-arena-alias-scopes`);
    - a new public function `<name>_with_scratch` takes the arena as one
      extra trailing `memref<Nxi8>` argument and calls the body with views
      of it: with caller-provided scratch memory a call allocates nothing.
      With an `i32` status result it returns 1, computing nothing, when the
      arena is NULL or not aligned;
    - `<name>` keeps its signature: it allocates the arena (status 2 if
      that fails), calls `<name>_with_scratch`, and frees it.

    The plan is recorded in the module attribute `lowbit.memory_plans`
    (per function: `scratch_bytes`, `alignment`, `peak_bytes`, the largest
    sum of simultaneously live planned buffers, `buffers`, `heap_buffers`,
    the allocations left to the heap (dynamic shapes, nested regions) and
    `weight_bytes`, the constant globals the function reads), which
    `lowbit-compile` prints with `--report` and states in the C header.
  }];
  let options = [
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "byte alignment of every buffer in the arena and of the arena "
           "itself (a power of two, at least 16)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "emit a remark per function with the arena size, the peak of "
           "live buffers and the weight bytes">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect"];
}

def LowBitArenaAliasScopes : Pass<"lowbit-arena-alias-scopes", "ModuleOp"> {
  let summary = "tell LLVM which planned buffers are disjoint";
  let description = [{
    Runs on the LLVM dialect, on the functions `--lowbit-plan-memory`
    marked with `lowbit.arena_buffers` (their trailing pointer arguments
    are buffers of one arena, at the recorded byte offsets and sizes).
    Every load, store and memory intrinsic whose addresses derive (through
    `getelementptr`) from such arguments gets an alias scope per buffer
    and, as no-alias scopes, the buffers whose bytes are disjoint from
    them. Without it LLVM sees one object and keeps every access ordered.
    The marker attribute is removed.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LowBitLoopAnnotations : Pass<"lowbit-loop-annotations", "ModuleOp"> {
  let summary = "give LLVM the loop hints that scf.for loops carry";
  let description = [{
    Runs on the LLVM dialect. `convert-scf-to-cf` copies an `scf.for`'s
    `llvm.loop_annotation` attribute onto the loop's back-edge branch as a
    discardable attribute, which the translation to LLVM IR ignores; this
    pass makes it the branch's own loop annotation (LLVM's `!llvm.loop`
    metadata). The kernels use it to keep LLVM from fully unrolling the
    reduction over sub-byte weights: unrolled, the loads of packed weights
    have constant addresses and LLVM folds each unpacked vector into a
    full-size constant, which undoes the packing.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LowBitOutlineParallel : Pass<"lowbit-outline-parallel", "ModuleOp"> {
  let summary = "run large loops on several threads";
  let description = [{
    Runs on loops over buffers, before they are lowered to branches. Each
    `scf.for` marked `lowbit.parallel` (the kernels' loop over output rows
    or channel blocks, whose iterations write disjoint data) and each
    outermost `scf.parallel` (from `convert-linalg-to-parallel-loops`)
    whose iterations, counting those of its nested loops, reach
    `min-iterations` becomes:

    - a private function `<func>_par<k>(begin, end, captures...)` that runs
      the iterations [begin, end) of the loop (of its first dimension of
      two or more iterations, for `scf.parallel`): views and constants it
      uses are re-created inside, buffers and scalars are arguments;
    - a call of a declared `<func>_par<k>_dispatch(n, captures...)`
      carrying `lowbit.parallel_dispatch = {task, threads}`, which
      `--lowbit-lower-parallel-dispatch` defines once the module is in the
      LLVM dialect.

    Loops that carry values, or capture buffers of run-time shape, stay as
    they are. With `threads` = 1 the pass does nothing.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "number of threads the loops are split across">,
    Option<"minIterations", "min-iterations", "int64_t",
           /*default=*/"32768",
           "smallest work (iterations, counting those of nested loops) of "
           "an unmarked scf.parallel worth the hand-off to other threads">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect"];
}

def LowBitLowerParallelDispatch
    : Pass<"lowbit-lower-parallel-dispatch", "ModuleOp"> {
  let summary = "define the parallel dispatch functions in the LLVM dialect";
  let description = [{
    Each function declaration marked `lowbit.parallel_dispatch = {task =
    @f, threads = N}` by `--lowbit-outline-parallel` gets a body: its
    arguments after the iteration count are stored in a stack structure,
    and `lowbit_parallel_for(entry, &structure, n, N)` runs
    `entry(&structure, begin, end)`, a new function that loads them and
    calls `@f(begin, end, ...)`, on chunks of [0, n). `lowbit_parallel_for`
    is the thread pool that `lowbit-compile` links into the object.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LowBitCheckLLVM : Pass<"lowbit-check-llvm", "ModuleOp"> {
  let summary = "fail if anything is left outside the LLVM dialect";
  let description = [{
    The last pass of `--lowbit-to-llvm`. The conversions to the LLVM
    dialect are partial: an op none of them handles (a vector transfer
    whose layout has no LLVM lowering, an op a plugin pass added late)
    stays in the module, and `lowbit-opt` would print a module that is not
    translatable, or `lowbit-compile` would fail only at translation. This
    pass reports the first such op at its location, with its name and how
    many others remain, and fails the pipeline.
  }];
}

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
