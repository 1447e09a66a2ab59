// The mean of binary values is not binary.
func.func @f(%x: tensor<1x8x8x4x!lowbit.binary>) {
  %0 = lowbit.avg_pool2d %x kernel [2, 2] : tensor<1x8x8x4x!lowbit.binary> -> tensor<1x4x4x4x!lowbit.binary>
  return
}
