// 2^64 + 1 is not +1 once narrowed.
func.func @f() {
  %0 = lowbit.constant dense<[18446744073709551617]> : tensor<1xi128> as tensor<1x!lowbit.binary>
  return
}
