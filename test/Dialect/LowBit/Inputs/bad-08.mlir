"lowbit.pack"() : () -> ()
