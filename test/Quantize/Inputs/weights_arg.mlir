// Weights computed in the model (here filled at run time) are no constant
// that lowbit-quantize could quantize ahead of time.
module {
  func.func @filled(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %half = arith.constant 0.5 : f32
    %e = tensor.empty() : tensor<4x2xf32>
    %w = linalg.fill ins(%half : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
    %y = lowbit.matmul %x, %w : tensor<1x4xf32>, tensor<4x2xf32> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
