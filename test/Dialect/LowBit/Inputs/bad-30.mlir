// A binary result takes one threshold per channel.
func.func @f(%x: tensor<2x8xf32>, %t: tensor<8x3xf32>) {
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x3xf32> -> tensor<2x8x!lowbit.binary>
  return
}
