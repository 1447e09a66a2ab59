// 100 values take 2 words of 64 bits, not 1.
func.func @f(%x: tensor<4x100x!lowbit.binary>) {
  %0 = lowbit.pack %x : tensor<4x100x!lowbit.binary> -> tensor<4x1xi64>
  return
}
