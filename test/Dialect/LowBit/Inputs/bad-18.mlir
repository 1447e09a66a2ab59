// %x is used with a type other than its own.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.sign %x : tensor<8xf32> -> tensor<8x!lowbit.binary>
  return
}
