// The file ends inside a tensor type.
func.func @f(%x: tensor<4x!quant.uniform<i8:f