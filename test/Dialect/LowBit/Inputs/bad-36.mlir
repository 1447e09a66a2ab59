// An op of a dialect that lowbit-opt does not know.
func.func @f(%x: tensor<4xf32>) {
  %0 = "foo.bar"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return
}
