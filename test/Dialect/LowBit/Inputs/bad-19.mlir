// %0 is defined twice.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.sign %x : tensor<4xf32> -> tensor<4x!lowbit.binary>
  %0 = lowbit.sign %x : tensor<4xf32> -> tensor<4x!lowbit.binary>
  return
}
