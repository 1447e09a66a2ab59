// A stray backquote where an operand should be.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.sign ` : tensor<4xf32> -> tensor<4x!lowbit.binary>
  return
}
