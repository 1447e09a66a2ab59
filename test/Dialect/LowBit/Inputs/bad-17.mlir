// %y is never defined.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.add %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}
