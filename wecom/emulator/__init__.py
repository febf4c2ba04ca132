"""A local WeCom that speaks the real protocol, for tests and `make demo` (never production)."""
