// The function returns f32 but the value is binary.
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lowbit.sign %x : tensor<4xf32> -> tensor<4x!lowbit.binary>
  return %0 : tensor<4x!lowbit.binary>
}
