// lowbit.add takes two operands.
func.func @f(%x: tensor<4xf32>) {
  %0 = "lowbit.add"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return
}
