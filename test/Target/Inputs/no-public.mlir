func.func private @helper() {
  return
}
