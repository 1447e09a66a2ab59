// A string literal is never closed.
func.func @f() attributes {note = "unterminated} {
  return
}
