// The result type must follow '->'.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> tensor<4x!lowbit.binary>
  return
}
