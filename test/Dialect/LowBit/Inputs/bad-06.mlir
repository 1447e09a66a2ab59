// Ternary is an affine type, not a lowbit type.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.ternary>
  return
}
