//===- DotKernels.h - shared parts of the int8 kernel passes ----*- C++ -*-===//
//
// Part of the lowbit project.
//
// The contraction model that --lowbit-dot-kernels matches, and the builders
// of the two kernel families (dot-product tiles and depthwise).
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_CONVERSION_DOTKERNELS_DOTKERNELS_H
#define LOWBIT_CONVERSION_DOTKERNELS_DOTKERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir {
namespace lowbit {
namespace dotkernels {

/// The kernel sets: x86 with AVX-512 VNNI, AVX-VNNI, AVX2 or only SSE2
/// (every x86-64 CPU); AArch64 with dotprod or only NEON (every AArch64
/// CPU).
enum class Isa { Sse2, Avx2, AvxVnni, Avx512Vnni, Neon, NeonDotProd };

/// Register tiling per instruction set: L int32 lanes per vector, a tile of
/// `rows` output pixels by `cols` vectors of channels.
struct IsaInfo {
  int64_t lanes, rows, cols;
};

inline IsaInfo getIsaInfo(Isa isa) {
  // 32 zmm registers: 16 accumulators, 4 weight vectors, broadcasts.
  if (isa == Isa::Avx512Vnni)
    return {16, 4, 4};
  // 32 128-bit NEON registers: 16 accumulators, 4 weight vectors,
  // broadcasts.
  if (isa == Isa::NeonDotProd || isa == Isa::Neon)
    return {4, 4, 4};
  // 16 xmm registers: 8 accumulators, 2 weight vectors, broadcasts and the
  // products.
  if (isa == Isa::Sse2)
    return {4, 4, 2};
  // 16 ymm registers: 8 accumulators, 2 weight vectors, broadcasts and (for
  // AVX2) the vpmaddubsw temporaries.
  return {8, 4, 2};
}

/// A linalg.generic marked `lowbit.threshold_pack` (see LowBitAttrs.h),
/// over x [..., G, CG] integer, with thresholds tau_k [G, CG] (or [1, 1]:
/// one for every channel) and words [..., G, ceil(CG / 64)], zero-filled:
///   binary (one level):  sign[..., g, c / 64] |= b_0 << (c % 64)
///   ternary (two):       sign |= (b_0 & b_1) << ..., mask |= !(b_0 ^ b_1)
/// with b_k = x[..., g, c] < tau_k[g, c].
struct ThresholdPack {
  linalg::GenericOp op;
  Value x;
  /// The thresholds of each level.
  SmallVector<Value, 2> taus;
  /// The zero-filled words of each plane (sign, then mask) that the pack
  /// ORs its bits into.
  SmallVector<Value, 2> inits;
  /// Set by matchFusablePack: per-channel int32 constants [C] that an
  /// elementwise add between the kernel and the pack adds to the kernel's
  /// values (e.g. a zero point's -za * sum(w)), or null.
  Value offsets;
  bool sharedTau = false;
  /// x is widened as signed (or unsigned) to `cmpType` for the comparisons.
  bool xSigned = true;
  IntegerType cmpType;
  int64_t groups = 1, groupChannels = 1, words = 1;

  int64_t planes() const { return static_cast<int64_t>(inits.size()); }
};

/// The shape of a contraction in grouped conv2d form, as every kernel
/// family sees it:
///   out[b, oh, ow, g, oc] += sum_{kh, kw, c}
///       act[b, oh*sh + kh*dh, ow*sw + kw*dw, g, c] * filter(g, oc, kh, kw, c)
/// A matmul [M, K] x [K, N] is the case B = OH = G = KH = KW = 1, OW = M;
/// a batched matmul [B, M, K] x [K, N] (weights shared by the batch) is
/// the matmul [B*M, K] x [K, N]. `c` counts the reduction's elements per
/// window position: bytes for the integer kernels, 64-bit words for the
/// popcount kernels.
struct ContractionShape {
  bool isMatmul = false;
  /// A batched matmul's batch size (0 for a plain matmul or a conv).
  int64_t matmulBatch = 0;
  int64_t batch = 1, oh = 1, ow = 1, g = 1, oc = 1, kh = 1, kw = 1, c = 1;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1;
};

/// The shape of the matmul (loops (m, n, k)), batched matmul ((b, m, n,
/// k)) or grouped conv2d (see matchConvWindow) that the lowerings write,
/// from the generic's indexing maps, iterators and the shapes of its
/// activation, filter and output; matmul weights are [K, N], or [N, K]
/// when `weightsNMajor` (the popcount lowering's packed words).
std::optional<ContractionShape>
matchContractionShape(ArrayRef<AffineMap> maps,
                      ArrayRef<utils::IteratorType> iteratorTypes,
                      ArrayRef<int64_t> act, ArrayRef<int64_t> filter,
                      ArrayRef<int64_t> out, bool weightsNMajor);

/// One integer contraction (see ContractionShape; a single group, or
/// depthwise).
struct Problem : ContractionShape {
  linalg::GenericOp op;
  /// A depthwise conv2d: `oc` groups of one input and one output channel
  /// each (`c` = 1).
  bool isDepthwise = false;
  Value act, filter, init;
  bool actSigned = false, filterSigned = false;
  /// The body subtracts this activation zero point before multiplying.
  int64_t actZero = 0;
  /// Binary weights (i1, 1 means -1) that the body applies by selecting
  /// a - za or za - a; their values are -1 and +1.
  bool binaryWeights = false;
  /// Non-zero: a conv2d whose window rows were merged into the reduction
  /// (kw = 1, c = KW * C; see buildDotKernel): the activations are read as
  /// rows of bytes, output pixel x starting at byte x * mergedStride.
  int64_t mergedStride = 0;
  /// The threshold pack that is the only reader of the result, stored by
  /// the kernel instead of the result; the ops in between (reshapes, an
  /// offset add).
  std::optional<ThresholdPack> pack;
  SmallVector<Operation *> packChain;
};

/// Coefficients of a linear expression in dims (the constant last), or
/// failure for anything that is not a sum of dim * constant terms.
FailureOr<SmallVector<int64_t>> linearCoefficients(AffineExpr e,
                                                   unsigned numDims);

/// Strides and dilations [h, w] of a conv2d contraction.
struct ConvWindow {
  int64_t sh = 1, sw = 1, dh = 1, dw = 1;
};

/// The grouped conv2d contraction every lowering writes (Conv2DDesc in the
/// LowBitToLinalg library): loops (n, oh, ow, g, oc, kh, kw, c), five
/// parallel then three reductions, input (n, oh * sh + kh * dh,
/// ow * sw + kw * dw, g, c), filter (g, oc, kh, kw, c), output (n, oh, ow,
/// g, oc), positive strides and dilations. The integer and the popcount
/// kernels both recognize convolutions through it. `maps` are those of
/// the input, the filter and the output.
std::optional<ConvWindow>
matchConvWindow(ArrayRef<AffineMap> maps,
                ArrayRef<utils::IteratorType> iteratorTypes);

/// Recognizes the integer matmul, batched-matmul and conv2d contractions of
/// the lowering (see the pass description).
std::optional<Problem> matchProblem(linalg::GenericOp op);

/// Element values of a constant operand (through reshapes, which keep the
/// row-major order), extended as the contraction extends them (binary
/// weights: bit 1 is -1, bit 0 is +1); none for a non-constant operand.
std::optional<SmallVector<int64_t>> constantValues(Value v, bool isSigned,
                                                   bool binary);

/// The value of a `linalg.fill` with a constant that produced `init`.
std::optional<int64_t> getConstantFill(Value init);

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// min(v, bound) on indices (a tile row or block past the end repeats the
/// last one).
Value minIndex(OpBuilder &b, Location loc, Value v, int64_t bound);

/// x * s + y * t on indices: the input coordinate of output position x and
/// window position y with stride s and dilation t.
Value windowIndex(OpBuilder &b, Location loc, Value x, int64_t s, Value y,
                  int64_t t);

/// `v` sign- or zero-extended to `type` (same shape, wider integers).
Value extendInt(OpBuilder &b, Location loc, Type type, Value v, bool isSigned);

/// The activations as bytes in a rank-4 view [B, IH, IW, C]: narrower
/// integers widened, a conv's [B, IH, IW, G, C/G] collapsed, a (batched)
/// matmul's rows as [1, 1, rows, K].
Value activationBytes(OpBuilder &b, Location loc, const Problem &p);

/// A vector constant with every element `value`.
Value splatConstant(OpBuilder &b, Location loc, VectorType type,
                    Attribute value);

/// Marks the scf.for defining `loopResult` (if one does) so that LLVM does
/// not unroll it.
void keepRolled(OpBuilder &b, Value loopResult);

/// scf.for from 0 to `ub` by `step` carrying `iter`; `body` is called with
/// `b` positioned inside the loop and returns the values to yield.
/// `parallel` marks it `lowbit.parallel`: its iterations write disjoint
/// parts of the output, so --threads may split them across threads.
SmallVector<Value>
buildLoop(OpBuilder &b, Location loc, int64_t ub, int64_t step, ValueRange iter,
          function_ref<SmallVector<Value>(Value, ValueRange)> body,
          bool parallel = false);

/// One output tile of a kernel: pixels (batch, oh, rows[r]) of `group`
/// and channel blocks blocks[t]. Rows and blocks past the end repeat the
/// last one: they compute and store the same values again, which saves a
/// remainder loop.
struct TileCoords {
  Value batch, oh, group;
  SmallVector<Value> rows, blocks;
};

/// The loops over the output tiles of `s`, `rows` pixels x `cols` of
/// `blocks` channel blocks each: batch > oh > group > pixel tiles >
/// channel blocks, or channel blocks > pixel tiles when `blocksOutside`
/// (the weights of a block then stay in the L1 cache while every pixel
/// tile of a row passes over them). They carry `init`, which `body`
/// updates per tile. The output rows, the pixel tiles and, when
/// `channelTilesDisjoint`, the channel tiles are marked `lowbit.parallel`:
/// each iteration writes its own outputs. Channel tiles that OR their bits
/// into packed words another tile also writes are not disjoint.
Value buildTileLoops(OpBuilder &b, Location loc, const ContractionShape &s,
                     int64_t rows, int64_t cols, int64_t blocks,
                     bool blocksOutside, Value init,
                     function_ref<Value(const TileCoords &, Value)> body,
                     bool channelTilesDisjoint = true);

/// Marks `lowbit.parallel` the scf.for `depth` levels inside the loop
/// nest whose outermost loop yields `outer` (following the first nested
/// loop of each body).
void markParallelLoop(Value outer, unsigned depth);

/// The tensor a kernel writes its results into: `init`, or an empty tensor
/// when `init` is a constant fill, which the kernel's tiles start from in
/// registers (every result is written, so the fill is never read).
Value kernelDestination(OpBuilder &b, Location loc, Value init);

/// Where a register tile of accumulators lives in the [B, OH, OW, OC]
/// accumulator: output pixels (b, oh, rows[r]) and the first channel of
/// each vector, channels[t]; `inBounds` is false when the last vector runs
/// past OC (those lanes are masked).
struct TilePlace {
  Value batch, oh;
  SmallVector<Value> rows, channels;
  bool inBounds;
};

/// The tile's starting accumulators (row-major, R x T vectors of `type`):
/// the constant `fill` everywhere, or the values of `out` at `place`.
SmallVector<Value> loadTile(OpBuilder &b, Location loc, Value out,
                            std::optional<int64_t> fill, VectorType type,
                            const TilePlace &place);

/// Writes the tile `accs` into `out` at `place`; returns the new tensor.
Value storeTile(OpBuilder &b, Location loc, Value out, ValueRange accs,
                const TilePlace &place);

/// Whether the dot-product kernels of `kind` handle these operand types.
bool kernelSupports(const Problem &p, Isa kind);

/// Whether vpmaddubsw, which adds two u8 x s8 products into a saturating
/// int16, is exact for these constant weights.
bool avx2IsExact(const Problem &p, ArrayRef<int64_t> weights);

/// How constant weights of 4 bits or fewer are stored: two or four to a
/// byte only in layers that read each weight once per call (`Auto`), in
/// every layer, or one per byte.
enum class WeightPacking { Auto, Always, Never };

/// The dot-product kernel for `p`: `group` = 4 (bytes, lowbit.dot4), 2
/// (16-bit pairs, lowbit.dot2) or 1 (16-bit values, plain arith); `weights`
/// are the constant weights, if any. Returns the contraction's result.
Value buildDotKernel(OpBuilder &b, Location loc, const Problem &p, Isa kind,
                     int64_t group, std::optional<ArrayRef<int64_t>> weights,
                     WeightPacking packing = WeightPacking::Auto);

/// The depthwise kernel for `p` (constant weights).
Value buildDepthwise(OpBuilder &b, Location loc, const Problem &p, Isa kind,
                     ArrayRef<int64_t> w);

/// `op` as a threshold pack, if it is marked as one and has its form.
std::optional<ThresholdPack> matchThresholdPack(linalg::GenericOp op);

/// The threshold pack that is the only user of a kernel's int32 result
/// (through reshapes, and an add of per-channel constants when `groups` is
/// 1, each the only user of the previous one), if its x holds the result as
/// [pixels, `groups`, `oc`] in row-major order: the kernel may then store
/// the pack's bits instead of the result. `chain` receives the ops in
/// between, in order.
std::optional<ThresholdPack>
matchFusablePack(Value result, int64_t groups, int64_t oc,
                 SmallVectorImpl<Operation *> &chain);

/// `v` reshaped (through one dimension) to `shape` of the same size.
Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape);

/// The words a kernel stores the fused pack `tp` into, zero-filled, in the
/// kernel's layout `shape` ([..., CW]), with a last dim of 2 planes (sign,
/// mask) for a ternary pack.
Value packKernelWords(OpBuilder &b, Location loc, const ThresholdPack &tp,
                      ArrayRef<int64_t> shape);

/// Replaces the results of the pack `tp` with the planes of `words`
/// (packKernelWords' layout) and erases it.
void replacePack(OpBuilder &b, Location loc, ThresholdPack &tp, Value words);

/// The level-`level` thresholds of `tp` for channels channel .. channel +
/// lanes - 1 of `group`, as a vector of the thresholds' element type (lanes
/// past the group's channels read 0 unless `inBounds`).
Value readThresholds(OpBuilder &b, Location loc, const ThresholdPack &tp,
                     int64_t level, Value group, Value channel, int64_t lanes,
                     bool inBounds);

/// ORs an R x T tile of bit vectors (row-major, vector<L x i1>, lane l of
/// `bits[r * T + t]` = channel channels[t] + l of pixel row r) into the
/// packed words `words` and returns them. `wordAt(r, w)` gives the indices
/// of word w of row r. Lanes at or past `oc` (the channels per group) give
/// no bit. `consecutive`: the T vectors are T * L consecutive channels
/// starting at a multiple of T * L, which divides 64, so each row goes into
/// one word at once (stored whole when T * L = 64).
Value storePackedBits(OpBuilder &b, Location loc, Value words,
                      ArrayRef<Value> bits, int64_t rows, int64_t cols,
                      ArrayRef<Value> channels, int64_t oc, bool consecutive,
                      function_ref<SmallVector<Value>(int64_t, Value)> wordAt);

/// Stores the planes of `tp` for a finished tile of int32 vectors of
/// `group`: the bits of `tile + offsets < thresholds` (binary), or the sign
/// and mask bits of the two levels (ternary), in packKernelWords' layout
/// (see storePackedBits; `wordAt` gives the indices without the plane).
Value storePackedTile(OpBuilder &b, Location loc, const ThresholdPack &tp,
                      Value words, ArrayRef<Value> tile, int64_t rows,
                      int64_t cols, Value group, ArrayRef<Value> channels,
                      int64_t oc, bool consecutive,
                      function_ref<SmallVector<Value>(int64_t, Value)> wordAt);

/// Whether kernel tiles of `tileChannels` channels (each starting at a
/// multiple of it) that store packed bits write only words of their own.
/// Narrower tiles OR into words other tiles also write: the loop over them
/// must not be split across threads.
inline bool packTilesOwnWords(int64_t tileChannels) {
  return tileChannels % 64 == 0;
}

} // namespace dotkernels
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_CONVERSION_DOTKERNELS_DOTKERNELS_H
