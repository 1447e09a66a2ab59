// The requantization mode is an enum attribute, not a string.
module attributes {lowbit.requant_mode = "float"} {
}
