//===- Passes.td - lowbit conversion passes ----------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitLowerQuantized : Pass<"lowbit-lower-quantized", "ModuleOp"> {
  let summary = "lower affine-quantized and float lowbit ops to integer "
                "linalg/arith code on storage types";
  let description = [{
    Rewrites lowbit ops whose operands are floats or affine quantized types
    (int16 down to int2, signed or unsigned, per tensor or per channel) into
    linalg, tensor, arith and math ops on the storage types, bit-exact with
    the reference kernels:

    * `fixed-point` requantization (default): integer-only arithmetic as in
      TFLite/gemmlowp (QuantizeMultiplier, SaturatingRoundingDoublingHighMul,
      RoundingDivideByPOT, ADD with 20 bits of headroom);
    * `float` requantization: a float32 multiplier with round half to even,
      as in ONNX QuantizeLinear/QLinearMatMul/QLinearConv.

    A `lowbit.requant_mode` attribute on a function or the module (the
    model's own convention) takes precedence over the `requant-mode` option.
    Matmul and conv2d accumulate in int32; zero-point terms of constant
    weights are folded at compile time. An accumulation that could overflow
    int32 is rejected with an error. Function signatures are converted to
    storage types; `!lowbit.binary` values become `i1` (1 means -1).
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string",
           /*default=*/"\"fixed-point\"",
           "requantization for functions that record no lowbit.requant_mode: "
           "fixed-point (TFLite, integer only) or float (ONNX)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect"
  ];
}

def LowBitLowerBinary : Pass<"lowbit-lower-binary", "ModuleOp"> {
  let summary = "lower binary and ternary matmul/conv2d to popcount on "
                "packed bits";
  let description = [{
    Rewrites the lowbit ops whose operands are binary (`!lowbit.binary`) or
    ternary (`!quant.uniform<i2<-1:1>:f, s>`), and `lowbit.pack` /
    `lowbit.unpack`, into linalg on words packed along the reduction axis
    (bit 1 = -1, least-significant bit first):

    * binary x binary: XOR + popcount, `dot = K - 2 * popcount`;
    * ternary x ternary or binary: mask and sign bit-planes,
      `dot = popcount(m) - 2 * popcount(m & (s_a ^ s_w))`;
    * binary or ternary x integer: add where the weight is +1, subtract
      where it is -1, no multiplies (`--lowbit-dot-kernels` turns these
      loops into dot-product kernels where the CPU has them);
    * 2-4 bit x 2-4 bit integers (matmul, and conv2d with filter zero
      points of 0): bit-serial popcount over
      bit-planes, `sum_ij c_i d_j 2^(i+j) popcount(A_i & W_j)`, with the
      sign planes of signed operands negated and zero points applied as in
      the integer lowering;
    * binary max_pool2d: an AND of packed words.

    A binary or ternary operand produced by `lowbit.threshold` (e.g. after
    `--lowbit-fuse-thresholds`) is packed straight from the integer
    accumulator by a `linalg.generic` marked `lowbit.threshold_pack` (one
    sign plane, or for two thresholds the sign and mask planes), which the
    kernel passes store from their registers and
    `--lowbit-lower-threshold-packs` otherwise turns into vector code, so
    activations between binary or ternary layers are never stored unpacked; the pooled words of a binary max_pool2d go to the next binary
    layer as they are, and an operand produced by `lowbit.unpack` of 64-bit
    words is used as it is.

    conv2d honours `pad_value`: `one` padding costs nothing; `zero` padding
    subtracts a per-position correction computed from the weights. Constant
    weights are transposed and packed at compile time. The exact int32 dot
    product then goes through the same epilogue as
    `--lowbit-lower-quantized` (float scales and bias, requantization,
    activation, or the sign for a binary result). Run it before
    `--lowbit-lower-quantized`, which lowers everything else.
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string",
           /*default=*/"\"fixed-point\"",
           "requantization for functions that record no lowbit.requant_mode: "
           "fixed-point (TFLite, integer only) or float (ONNX)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowBitPopcountKernels : Pass<"lowbit-popcount-kernels", "ModuleOp"> {
  let summary = "register-tiled XNOR-popcount kernels for binary matmul and "
                "conv2d";
  let description = [{
    Rewrites the binary contractions that `--lowbit-lower-binary` emits (a
    `linalg.generic` over 64-bit words packed along the reduction whose body
    is `acc + trunc(ctpop(a xor w))`, with constant weights) for matmul,
    batched matmul with shared weights, and conv2d of any stride, dilation
    and group count, into a register tile of R output pixels x T vectors of
    L output channels. Accumulators stay in registers for the whole
    reduction; per packed word the tile loads T weight vectors (the
    weights are repacked at compile time as `[G][OC/L][KH*KW*CW][L]`
    words), broadcasts one activation word per pixel and does R x T XOR +
    popcount + add. Lane l of a vector is output channel l, so no lane is
    ever summed horizontally.

    * `avx512-vpopcntdq`: 512-bit vectors, `vpopcntq` on 64-bit lanes,
      a tile of 4 pixels x 32 channels;
    * `avx512bw`: 512-bit vectors, byte popcounts (`vpshufb` lookup, or
      `vpopcntb` with BITALG) accumulated for up to 31 words, then folded
      into 64-bit lanes; 4 x 16;
    * `avx2`: the same on 256-bit vectors, 2 x 8;
    * `popcnt`: x86 without AVX2 but with POPCNT: one 64-bit `popcnt` per
      word in general registers, 4 x 2;
    * `sse2`: 128-bit byte counts without POPCNT, 2 x 4;
    * `neon`: AArch64 `cnt` on bytes, 128-bit vectors, 4 x 8. When a
      window position holds an even number of words (128 or more input
      channels, or a matmul's K in whole 128-bit pairs), each XOR covers two
      words of one pixel and one channel instead, and the byte counts of 8
      channels are summed by pairwise adds (`addp`) into 16-bit lanes, one
      per channel (`uaddw`): 4 x 8, with no broadcasts.

    The results are the exact popcount sums of the generic (bit for bit);
    ternary contractions and weights computed at run time keep the generic
    loops.

    When the only use of the result (after the dot product `K - 2 *
    popcount` and a padding correction, which the kernel also folds) is a
    `lowbit.threshold_pack` generic (the packed sign, or sign and mask, of
    the next binary or ternary layer), the kernel compares its registers
    with the thresholds and stores the packed words itself: the int32
    results are never written.
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"avx512-vpopcntdq\"",
           "instruction set of the kernels: avx512-vpopcntdq, avx512bw, avx2, "
           "popcnt, sse2 or neon">,
    Option<"report", "report", "bool", /*default=*/"false",
           "emit a remark at each contraction that gets a kernel">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def LowBitLowerThresholdPacks
    : Pass<"lowbit-lower-threshold-packs", "ModuleOp"> {
  let summary = "lower the threshold packs no kernel stored to vector code";
  let description = [{
    `--lowbit-lower-binary` packs the binary result of an integer threshold
    that feeds a binary layer (the sign after a binary or int8 layer, with
    its batch norm folded into per-channel thresholds) as a `linalg.generic`
    marked `lowbit.threshold_pack`:
    `words[..., g, c / 64] |= (x[..., g, c] < tau[g, c]) << (c % 64)`; a
    ternary result (two thresholds t1, t2) as two planes, the sign
    `b1 & b2` and the mask `!(b1 ^ b2)` with `bk = x < tk`.
    `--lowbit-popcount-kernels` and `--lowbit-dot-kernels` store such a pack
    from the registers of the kernel that computes x. This pass rewrites
    the remaining ones into vector code: per word, one comparison of 64
    lanes of x with their thresholds, whose i1 lanes are bitcast to the
    word (a mask move with AVX-512, `vpmovmskb` with AVX2, a narrowing
    sequence on NEON). Run it after the kernel passes; the generic form is
    exact as it stands, only slower.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def LowBitDotKernels : Pass<"lowbit-dot-kernels", "ModuleOp"> {
  let summary = "register-tiled kernels for 8-bit integer dot products "
                "(vpdpbusd, vpmaddubsw, vpmaddwd, sdot)";
  let description = [{
    Rewrites the integer contractions that `--lowbit-lower-quantized` emits
    for matmul and conv2d (a `linalg.generic` whose body is
    `acc + ext(a) * ext(w)` with 8-bit or narrower operands and an i32
    accumulator) into a register-tiled vector kernel built on the
    dot-product instructions, which LLVM's loop vectorizer forms poorly or
    not at all (on x86 it never forms the byte dot products):

    * `avx512-vnni`: `vpdpbusd` on 512-bit registers (16 int32 lanes),
      a tile of 4 output pixels x 64 channels;
    * `avx-vnni`: `vpdpbusd` on 256-bit registers (VEX or EVEX encoded),
      a tile of 4 x 16;
    * `avx2`: `vpmaddubsw` + `vpmaddwd` (4 bytes per lane) where the
      weights are constant and provably keep the 16-bit pair sums of
      `vpmaddubsw` from saturating (`2 * max|u| * max|s| <= 32767`, e.g.
      4-bit weights), otherwise `vpmaddwd` on values widened to 16 bits
      (2 per lane, `lowbit.dot2`), which is exact for any 8-bit operands;
      a tile of 4 x 16;
    * `sse2` (every x86-64 CPU): `pmaddwd` on 16-bit values, a tile of
      4 x 8;
    * `neon-dotprod`: AArch64 `sdot` (signed x signed bytes, 4 int32 lanes),
      a tile of 4 x 16; unsigned weights get the `neon` kernel;
    * `neon` (every AArch64 CPU): 16-bit values multiplied and accumulated
      into int32 lanes (`smlal`), one reduction element at a time, a tile
      of 4 x 16.

    Tiles are output pixels x channels. When the layer has fewer channels
    than a tile, the spare accumulator registers hold more pixels (up to
    8). The weights are packed so that each vector load holds G = 4 (2, 1)
    consecutive reduction elements of L output channels
    (`[OC/L][KH][KW][C/G][L*G]`), at compile time for constant weights and
    by a packing loop otherwise; the reduction is zero-padded to a multiple
    of G and the channels to a multiple of L. The x86 byte instructions
    multiply unsigned by signed bytes, `sdot` signed by signed: when the
    operands' signedness does not fit, the activation byte is flipped
    (`a ^ 0x80`, i.e. `a +- 128`) and `-+128 * sum(w)` starts the
    accumulator; an activation zero point
    subtracted inside the loop is folded the same way (`-za * sum(w)`), so
    the result is the same int32 sum bit for bit. A batched matmul whose
    weights are shared by the batch is one matmul over all rows. The
    add/subtract loops that `--lowbit-lower-binary` writes for integer
    activations times binary or ternary weights are matched too, as
    products with weights -1/+1 or -1/0/+1 (exact with `vpmaddubsw`).

    A depthwise conv2d (one input and one output channel per group) with
    constant weights gets its own kernel: vectors across channels, one
    multiply-add per filter tap (activations widened to 32 bits, weights
    stored as 16-bit values), a tile of 4 output pixels x 2 vectors.

    When the only use of a matmul's or conv2d's int32 result is a
    `lowbit.threshold_pack` generic (the packed sign of an int8 first layer
    feeding a binary one, its requantization folded into integer
    thresholds), the kernel stores the packed words from its registers
    instead of the int32 results.

    Batched weights, other grouped conv2d, wider operands, weight zero
    points inside the loop and depthwise weights computed at run time are
    left as they are.

    The products are `lowbit.dot4` / `lowbit.dot2` ops, which
    `--lowbit-lower-dot4` turns into the instructions after bufferization;
    the object code then needs the CPU features of the chosen `isa`, which
    `lowbit-compile` picks from the target (`--dot-kernels=auto`).
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"avx512-vnni\"",
           "instruction set of the kernels: avx512-vnni, avx-vnni, avx2, "
           "sse2, neon-dotprod or neon">,
    Option<"report", "report", "bool", /*default=*/"false",
           "emit a remark at each contraction that gets a kernel">,
    Option<"packWeights", "pack-weights", "std::string",
           /*default=*/"\"auto\"",
           "constant weights of 4 or 2 bits (ternary, binary): 'auto' "
           "stores them two or four to a byte in layers that read each "
           "weight once per call (one-row matmuls), 'always' in every "
           "layer, 'never' one to a byte">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::lowbit::LowBitDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def LowBitLowerDot4 : Pass<"lowbit-lower-dot4", "ModuleOp"> {
  let summary = "lower lowbit.dot4 and lowbit.dot2 to x86 or AArch64 "
                "intrinsics or portable vector code";
  let description = [{
    Rewrites every `lowbit.dot4` for the instruction set `isa`:

    * `avx512-vnni`: 16 lanes -> `llvm.x86.avx512.vpdpbusd.512`;
    * `avx-vnni`: 8 lanes -> `llvm.x86.avx512.vpdpbusd.256` (`{vex}
      vpdpbusd` with AVX-VNNI, EVEX with AVX-512 VL);
    * `avx2`: 8 lanes marked `pairs_fit_i16` -> `llvm.x86.avx2.pmadd.ub.sw`
      + `llvm.x86.avx2.pmadd.wd` + add;
    * `neon-dotprod`: 4 lanes with `signed_lhs` ->
      `llvm.aarch64.neon.sdot.v4i32.v16i8`;
    * anything else (and `isa=none`): extend, multiply and add groups of 4
      with vector arithmetic, which any target runs.

    and every `lowbit.dot2`: 4 lanes on any x86 set ->
    `llvm.x86.sse2.pmadd.wd`, 8 lanes with `avx2` or `avx-vnni` ->
    `llvm.x86.avx2.pmadd.wd`, 16 lanes with `avx512-vnni` ->
    `llvm.x86.avx512.pmaddw.d.512`, plus the accumulator add; otherwise
    portable code.

    It runs after bufferization (an intrinsic call has unknown memory
    effects, which buffer deallocation refuses) and before the conversion
    to the LLVM dialect.
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"none\"",
           "instruction set: none, sse2, avx2, avx-vnni, avx512-vnni, neon or "
           "neon-dotprod">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::vector::VectorDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
