// Not IR: iterator_types = [1] and array<index: 1> in a comment.
func.func @f() attributes {note = "iterator_types = [1] array<index: 1>"} {
  return
}
