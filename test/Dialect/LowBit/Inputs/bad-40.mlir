// Three bias scales for two weight scales.
func.func @f(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, %c: tensor<?x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.5}>>) {
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, tensor<?x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.5}>> -> tensor<2x2xf32>
  return
}
