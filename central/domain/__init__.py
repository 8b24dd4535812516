"""Pure domain rules of central: no I/O, time and ids come in as arguments."""
