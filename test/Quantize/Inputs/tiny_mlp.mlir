// A float 4 -> 3 -> 2 network for lowbit-quantize's tests.
module {
  func.func @tiny(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w0 = arith.constant dense<[[0.5, -0.25, 0.125], [-1.0, 0.75, 0.5], [0.25, 0.5, -0.5], [1.0, -1.0, 0.25]]> : tensor<4x3xf32>
    %b0 = arith.constant dense<[0.1, -0.2, 0.05]> : tensor<3xf32>
    %h = lowbit.matmul %x, %w0 bias %b0 act(relu) : tensor<1x4xf32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<1x3xf32>
    %w1 = arith.constant dense<[[1.0, -0.5], [0.25, 0.75], [-1.0, 0.5]]> : tensor<3x2xf32>
    %y = lowbit.matmul %h, %w1 : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
