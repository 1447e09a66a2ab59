// A dimension that does not fit in 64 bits.
func.func @f(%x: tensor<99999999999999999999xf32>) {
  return
}
