// One closing brace too many.
func.func @f() {
  return
}
}
