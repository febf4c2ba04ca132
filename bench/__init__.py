"""Benchmarks: each module's `run()` measures a goal against a baseline measured in the same
run and returns lines that state the ratio. `make bench` runs them all. Never in tests."""
