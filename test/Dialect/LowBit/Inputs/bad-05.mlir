// There is no lowbit.frobnicate.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.frobnicate %x : tensor<4xf32> -> tensor<4xf32>
  return
}
