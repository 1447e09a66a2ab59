//===- LowBitOps.td - lowbit operations --------------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD

include "lowbit/Dialect/LowBit/IR/LowBitDialect.td"
include "lowbit/Dialect/LowBit/IR/LowBitAttrs.td"
include "lowbit/Dialect/LowBit/IR/LowBitTypes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def LowBit_ElementType : Type<
    CPred<"::mlir::lowbit::isLowBitElementType($_self)">,
    "lowbit element type (f32, f16, bf16, f8E4M3FN, f8E5M2, !quant.uniform "
    "or !lowbit.binary)">;

def LowBit_Tensor : RankedTensorOf<[LowBit_ElementType]>;

def LowBit_FloatTensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN, F8E5M2]>;

def LowBit_PackedTensor : RankedTensorOf<[I8, I16, I32, I64]>;

// Operands of the arithmetic ops carry an optional fused activation whose
// clamp bounds are real values.
defvar LowBit_ActivationArgs = (ins
    DefaultValuedAttr<LowBit_ActivationAttr,
                      "::mlir::lowbit::Activation::none">:$activation,
    OptionalAttr<F64Attr>:$clamp_min,
    OptionalAttr<F64Attr>:$clamp_max);

class LowBit_ArithOp<string mnemonic, list<Trait> traits = []>
    : LowBit_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Constants and conversions
//===----------------------------------------------------------------------===//

def LowBit_ConstantOp : LowBit_Op<"constant", [Pure]> {
  let summary = "tensor constant of any lowbit element type";
  let description = [{
    Materializes a constant tensor. `value` holds the stored values: the
    integers of an affine type (within its storage range), -1/+1 for
    `!lowbit.binary`, -1/0/+1 for ternary, or the floats of a float tensor.
    Its shape must equal the result shape.

    ```mlir
    %w = lowbit.constant dense<[[1, -1], [-1, 1]]> : tensor<2x2xi8>
           as tensor<2x2x!lowbit.binary>
    %b = lowbit.constant dense<[12, -7]> : tensor<2xi32>
           as tensor<2x!quant.uniform<i32:f32, 0.0025>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = "$value attr-dict `as` type($result)";
  let hasVerifier = 1;
}

def LowBit_QuantizeOp : LowBit_Op<"quantize", [Pure]> {
  let summary = "quantize real values to a narrower type";
  let description = [{
    Rounds each real input value to the nearest value of the result type and
    saturates. For an affine type, `q = clamp(round(x / scale) + zp, qmin,
    qmax)`; for `!lowbit.binary`, `x >= 0 ? +1 : -1`; for a smaller float
    type, round to nearest even (f8E4M3FN saturates). The input element type
    must be the expressed type of a quantized result. How ties round is
    decided by the module's requantization mode (see the numerics docs).

    ```mlir
    %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins LowBit_FloatTensor:$input);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def LowBit_DequantizeOp : LowBit_Op<"dequantize", [Pure]> {
  let summary = "convert quantized values to their real values";
  let description = [{
    Computes `scale * (q - zp)` (affine), `scale * v` (binary, v = -1/+1) or
    widens a small float. The result element type must be the input's
    expressed type (or, for a float input, a wider float type).

    ```mlir
    %x = lowbit.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input);
  let results = (outs LowBit_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def LowBit_RequantizeOp : LowBit_Op<"requantize", [Pure]> {
  let summary = "change the scale, zero point and/or width of quantized values";
  let description = [{
    Maps each value of an affine input type to the nearest value of an
    affine (or binary) result type: `q' = clamp(zp' + M * (q - zp))` with
    `M = scale / scale'`. Typical uses: int32 accumulator to int8, int8 to
    int4, per-channel to per-tensor.

    ```mlir
    %y = lowbit.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>>
                             -> tensor<4x!quant.uniform<i4:f32, 0.4:1>>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

class LowBit_BinaryElementwiseOp<string mnemonic>
    : LowBit_ArithOp<mnemonic, [Commutative]> {
  let arguments = !con((ins LowBit_Tensor:$lhs, LowBit_Tensor:$rhs),
                       LowBit_ActivationArgs);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`act` `(` custom<Activation>($activation, $clamp_min, $clamp_max)^ `)`)?
    attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def LowBit_AddOp : LowBit_BinaryElementwiseOp<"add"> {
  let summary = "elementwise sum with numpy broadcasting";
  let description = [{
    `result = act(real(lhs) + real(rhs))`, quantized to the result type.
    Shapes broadcast as in numpy; the result shape must be the broadcast
    shape. Operands are either all floating point (of one type, which is
    also the result type) or all quantized with one expressed type.

    ```mlir
    %z = lowbit.add %x, %y act(relu)
        : tensor<1x8x!quant.uniform<i8:f32, 0.05:3>>,
          tensor<8x!quant.uniform<i8:f32, 0.1:-2>>
       -> tensor<1x8x!quant.uniform<i8:f32, 0.12:-128>>
    ```
  }];
}

def LowBit_MulOp : LowBit_BinaryElementwiseOp<"mul"> {
  let summary = "elementwise product with numpy broadcasting";
  let description = [{
    `result = act(real(lhs) * real(rhs))`, quantized to the result type,
    with the broadcasting and type rules of `lowbit.add`.
  }];
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def LowBit_MatmulOp : LowBit_ArithOp<"matmul"> {
  let summary = "matrix product (fully connected or batched), optional bias";
  let description = [{
    `result[b, m, n] = act(sum_k real(lhs[b, m, k]) * real(rhs[b, k, n]) +
    real(bias[n]))`, quantized to the result type.

    * `lhs` is `MxK` or `BxMxK`; `rhs` is `KxN` or `BxKxN` (a 2-D `rhs` is
      shared by every batch); the result is `MxN` or `BxMxN`.
    * `rhs` may be quantized per channel along its last (N) axis.
    * A quantized `bias` is a 1-D tensor of N values stored in i32 with zero
      point 0 and scale `scale(lhs) * scale(rhs)` (per channel when `rhs`
      is); a float bias has the operands' float type.
    * Mixed precision is allowed: e.g. int8 `lhs` with int4, ternary or
      binary `rhs`, or binary x binary.

    ```mlir
    %y = lowbit.matmul %x, %w bias %b act(relu)
        : tensor<4x64x!quant.uniform<i8:f32, 0.02:-5>>,
          tensor<64x16x!lowbit.binary<f32, 0.5>>,
          tensor<16x!quant.uniform<i32:f32, 0.01>>
       -> tensor<4x16x!quant.uniform<i8:f32, 0.1:-128>>
    ```
  }];
  let arguments = !con((ins LowBit_Tensor:$lhs, LowBit_Tensor:$rhs,
                            Optional<LowBit_Tensor>:$bias),
                       LowBit_ActivationArgs);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` $bias^)?
    (`act` `(` custom<Activation>($activation, $clamp_min, $clamp_max)^ `)`)? attr-dict
    `:` type($lhs) `,` type($rhs) (`,` type($bias)^)? `->` type($result)
  }];
}

def LowBit_Conv2DOp : LowBit_ArithOp<"conv2d"> {
  let summary = "2-D convolution, NHWC input, OHWI filter, grouped";
  let description = [{
    Cross-correlation of an `NxHxWxC` input with an `OxKHxKWx(C/groups)`
    filter (OHWI: the reduction over input channels is the innermost,
    contiguous axis, which is what bit packing needs). The result is
    `NxOHxOWxO` with
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    (likewise for OW).

    * `strides` (default `[1, 1]`) and `dilations` (default `[1, 1]`) are
      `[h, w]`; `padding` (default `[0, 0, 0, 0]`) is
      `[top, bottom, left, right]`.
    * `pad_value` says what the padding taps hold: `zero` (the real value
      0, default) or `one` (+1, only for a binary input: "one padding",
      which costs nothing on packed bits).
    * `groups` (default 1) divides C and O; `groups = C` with a filter of
      `(C * multiplier)xKHxKWx1` is a depthwise convolution.
    * The filter may be quantized per output channel (axis 0); the bias is
      a 1-D tensor of O values with the rules of `lowbit.matmul`.

    ```mlir
    %y = lowbit.conv2d %x, %w strides [2, 2] padding [1, 1, 1, 1]
        pad_value one
        : tensor<1x16x16x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary>
       -> tensor<1x8x8x32xf32>
    ```
  }];
  let arguments = !con((ins LowBit_Tensor:$input, LowBit_Tensor:$filter,
                            Optional<LowBit_Tensor>:$bias,
                            OptionalAttr<DenseI64ArrayAttr>:$strides,
                            OptionalAttr<DenseI64ArrayAttr>:$dilations,
                            OptionalAttr<DenseI64ArrayAttr>:$padding,
                            OptionalAttr<LowBit_PadValueAttr>:$pad_value,
                            OptionalAttr<I64Attr>:$groups),
                       LowBit_ActivationArgs);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`bias` $bias^)? (`strides` $strides^)?
    (`dilations` $dilations^)? (`padding` $padding^)?
    (`pad_value` custom<PadValue>($pad_value)^)? (`groups` $groups^)?
    (`act` `(` custom<Activation>($activation, $clamp_min, $clamp_max)^ `)`)? attr-dict
    `:` type($input) `,` type($filter) (`,` type($bias)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Strides [h, w], defaulting to [1, 1].
    ::llvm::SmallVector<int64_t, 2> getStrideValues();
    /// Dilations [h, w], defaulting to [1, 1].
    ::llvm::SmallVector<int64_t, 2> getDilationValues();
    /// Padding [top, bottom, left, right], defaulting to zeros.
    ::llvm::SmallVector<int64_t, 4> getPaddingValues();
    /// The pad value, defaulting to zero.
    ::mlir::lowbit::PadValue getPadValueOrDefault();
    /// The group count, defaulting to 1.
    int64_t getGroupCount();
  }];
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class LowBit_PoolOp<string mnemonic> : LowBit_ArithOp<mnemonic> {
  let results = (outs LowBit_Tensor:$result);
  let extraClassDeclaration = [{
    /// Strides [h, w], defaulting to the kernel size.
    ::llvm::SmallVector<int64_t, 2> getStrideValues();
    /// Dilations [h, w] of the window taps, defaulting to [1, 1].
    ::llvm::SmallVector<int64_t, 2> getDilationValues();
    /// Padding [top, bottom, left, right], defaulting to zeros.
    ::llvm::SmallVector<int64_t, 4> getPaddingValues();
  }];
}

def LowBit_MaxPool2DOp : LowBit_PoolOp<"max_pool2d"> {
  let summary = "2-D max pooling over NHWC";
  let description = [{
    The maximum over each `kernel` window; padding taps never win. Input and
    result have the same element type (max commutes with a monotonic
    quantization, so it works on stored values; on binary values it is a
    bitwise AND under the bit-1-is-minus-one convention). `strides` default
    to the kernel size, `dilations` (the spacing of the window taps) to
    `[1, 1]`, `padding` is `[top, bottom, left, right]`.

    ```mlir
    %y = lowbit.max_pool2d %x kernel [2, 2]
        : tensor<1x8x8x16x!lowbit.binary> -> tensor<1x4x4x16x!lowbit.binary>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<DenseI64ArrayAttr>:$padding);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`dilations` $dilations^)?
    (`padding` $padding^)? attr-dict `:` type($input) `->` type($result)
  }];
}

def LowBit_AvgPool2DOp : LowBit_PoolOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NHWC";
  let description = [{
    The mean over each `kernel` window, divided by the number of
    non-padding taps (TFLite), or by the full window size when
    `count_include_pad` is set (padding taps then count as real zeros).
    Input and result have the same element type; binary inputs are
    rejected (their mean is not binary).

    ```mlir
    %y = lowbit.avg_pool2d %x kernel [3, 3] strides [1, 1] padding [1, 1, 1, 1]
        : tensor<1x8x8x16x!quant.uniform<i8:f32, 0.1>>
       -> tensor<1x8x8x16x!quant.uniform<i8:f32, 0.1>>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       UnitAttr:$count_include_pad);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`padding` $padding^)?
    (`count_include_pad` $count_include_pad^)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Binarization and thresholds
//===----------------------------------------------------------------------===//

def LowBit_SignOp : LowBit_Op<"sign", [Pure]> {
  let summary = "binarize: +1 where the real value is >= 0, else -1";
  let description = [{
    `result = real(input) >= 0 ? +1 : -1` (times the result's scale), so
    `sign(0) = +1` as in Larq and QONNX BipolarQuant. The result element
    type is `!lowbit.binary`.

    ```mlir
    %b = lowbit.sign %x : tensor<8x!quant.uniform<i8:f32, 0.1:4>>
                       -> tensor<8x!lowbit.binary>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def LowBit_ThresholdOp : LowBit_Op<"threshold", [Pure]> {
  let summary = "per-channel multi-threshold (FINN/QONNX MultiThreshold)";
  let description = [{
    For input `x` whose last axis is the channel axis C and a `thresholds`
    tensor `CxL` (or `1xL`, shared by every channel), computes the count
    `n = #{k : x >= T[c, k]}` in `[0, L]` and returns the n-th value of the
    result type counted from its lowest: for an affine result the stored
    value `qmin + n` (so the real output is `n * scale + (qmin - zp) *
    scale`); for `!lowbit.binary` (L = 1) `n = 0 -> -1`, `n = 1 -> +1`.

    Comparisons are exact: for a quantized input they compare the stored
    integers with integer thresholds; for a float input, floats of the same
    type.

    ```mlir
    %y = lowbit.threshold %acc, %t
        : tensor<1x8x8x32x!quant.uniform<i32:f32, 1.0>>, tensor<32x1xi32>
       -> tensor<1x8x8x32x!lowbit.binary>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input,
                       RankedTensorOf<[AnySignlessInteger, F32, F16, BF16,
                                       F8E4M3FN, F8E5M2]>:$thresholds);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $thresholds attr-dict `:` type($input) `,` type($thresholds)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_StorageCastOp : LowBit_Op<"storage_cast", [Pure]> {
  let summary = "reinterpret a tensor as its storage type or back";
  let description = [{
    Converts between a tensor of a quantized element type and a tensor of
    its storage type without changing any stored value: `iN` for an affine
    type with N-bit storage (unsigned types too; the bits are the same),
    `i1` for `!lowbit.binary` (1 means -1). Like `quant.scast`, which does
    not know `!lowbit.binary`. Shapes must match.

    ```mlir
    %q = lowbit.storage_cast %bits : tensor<4x64xi1> to tensor<4x64x!lowbit.binary>
    %s = lowbit.storage_cast %q8 : tensor<8x!quant.uniform<u8:f32, 0.1:128>> to tensor<8xi8>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Bit packing
//===----------------------------------------------------------------------===//

def LowBit_PackOp : LowBit_Op<"pack", [Pure]> {
  let summary = "pack binary or ternary values into words along the last axis";
  let description = [{
    Packs the last axis (the reduction axis: K of a matmul operand, the
    channels of an NHWC tensor, the input channels of an OHWI filter) into
    words of 8, 16, 32 or 64 bits, least-significant bit first. Bit 1 means
    -1, bit 0 means +1; tail bits past the logical length are 0. A binary
    input gives one result; a ternary input gives two bit-planes, the mask
    (bit 1 where the value is nonzero) and the sign (bit 1 where it is -1).
    The result's last dimension is `ceil(K / word_bits)`.

    ```mlir
    %p = lowbit.pack %x : tensor<4x100x!lowbit.binary> -> tensor<4x2xi64>
    %m, %s = lowbit.pack %t : tensor<4x70x!quant.uniform<i2<-1:1>:f32, 0.5>>
                           -> tensor<4x3xi32>, tensor<4x3xi32>
    ```
  }];
  let arguments = (ins LowBit_Tensor:$input);
  let results = (outs Variadic<LowBit_PackedTensor>:$results);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($results)";
  let hasVerifier = 1;
}

def LowBit_UnpackOp : LowBit_Op<"unpack", [Pure]> {
  let summary = "unpack words into binary or ternary values";
  let description = [{
    The inverse of `lowbit.pack`: the result type gives the logical length
    of the last axis and whether one (binary) or two (ternary mask and sign)
    bit-planes are expected.

    ```mlir
    %x = lowbit.unpack %p : tensor<4x2xi64> -> tensor<4x100x!lowbit.binary>
    ```
  }];
  let arguments = (ins Variadic<LowBit_PackedTensor>:$inputs);
  let results = (outs LowBit_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs) `->` type($result)";
  let hasVerifier = 1;
}

def LowBit_Dot4Op : LowBit_Op<"dot4", [Pure,
    AllTypesMatch<["acc", "result"]>, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "4-way byte dot products added to int32 lanes";
  let description = [{
    The building block of the int8 kernels: for every int32 lane `i`,

    `result[i] = acc[i] + sum_{j<4} ext(lhs[4i+j]) * sext(rhs[4i+j])`

    (modulo 2^32), where `ext` zero-extends (unsigned `lhs` bytes, the
    default) or, with `signed_lhs`, sign-extends. `lhs` and `rhs` hold 4
    bytes per accumulator lane. `--lowbit-lower-dot4` turns it into:

    * unsigned x signed: `vpdpbusd` (AVX-512 VNNI with 16 lanes, AVX-VNNI
      with 8), or `vpmaddubsw` + `vpmaddwd` (AVX2, 8 lanes) when
      `pairs_fit_i16` promises that every pair
      `lhs[2k] * rhs[2k] + lhs[2k+1] * rhs[2k+1]` fits in int16
      (vpmaddubsw saturates);
    * signed x signed: `sdot` (AArch64 with `+dotprod`, 4 lanes);
    * anything else: portable vector arithmetic.

    Like the instructions it is pure, unlike an intrinsic call, so it can
    sit in tensor code that is still to be bufferized.

    ```mlir
    %r = lowbit.dot4 %acc, %u, %s : vector<64xi8> -> vector<16xi32>
    %t = lowbit.dot4 %acc4, %a, %w signed_lhs : vector<16xi8> -> vector<4xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs,
                       UnitAttr:$signed_lhs,
                       UnitAttr:$pairs_fit_i16);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs (`signed_lhs` $signed_lhs^)?
    (`pairs_fit_i16` $pairs_fit_i16^)? attr-dict `:` type($lhs) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_Dot2Op : LowBit_Op<"dot2", [Pure,
    AllTypesMatch<["acc", "result"]>, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "2-way signed 16-bit dot products added to int32 lanes";
  let description = [{
    For every int32 lane `i`,

    `result[i] = acc[i] + lhs[2i] * rhs[2i] + lhs[2i+1] * rhs[2i+1]`

    (signed 16-bit operands, modulo 2^32). The exact int8 building block on
    x86 without VNNI: bytes widened to 16 bits cannot overflow it.
    `--lowbit-lower-dot4` turns it into `vpmaddwd` (AVX2 with 8 lanes,
    AVX-512 BW with 16) or portable vector arithmetic.

    ```mlir
    %r = lowbit.dot2 %acc, %a, %w : vector<16xi16> -> vector<8xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I16]>:$lhs,
                       VectorOfRankAndType<[1], [I16]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD
