// Shapes 2x3 and 4 do not broadcast.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  %0 = lowbit.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return
}
