func.func @model(%a: tensor<?x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x!quant.uniform<i8:f32, 0.5>> {
  return %a : tensor<?x!quant.uniform<i8:f32, 0.5>>
}
