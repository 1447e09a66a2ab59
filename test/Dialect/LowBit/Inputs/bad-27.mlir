// Three values for a tensor of two.
func.func @f() {
  %0 = lowbit.constant dense<[1, -1, 1]> : tensor<2xi8> as tensor<2x!lowbit.binary>
  return
}
