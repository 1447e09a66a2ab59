// Nothing but a closing brace.
}
