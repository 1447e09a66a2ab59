// K differs between the operands.
func.func @f(%a: tensor<2x64x!quant.uniform<i8:f32, 0.1>>, %b: tensor<32x16x!lowbit.binary>) {
  %0 = lowbit.matmul %a, %b : tensor<2x64x!quant.uniform<i8:f32, 0.1>>, tensor<32x16x!lowbit.binary> -> tensor<2x16xf32>
  return
}
