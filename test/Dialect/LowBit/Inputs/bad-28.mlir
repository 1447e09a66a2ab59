// 2 is not a binary value.
func.func @f() {
  %0 = lowbit.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!lowbit.binary>
  return
}
