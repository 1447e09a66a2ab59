// Truncated after the arrow of a lowbit.quantize.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> ->