// act(clamp) needs its two bounds.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.add %x, %x act(clamp) : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}
