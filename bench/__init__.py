"""Benchmarks of xiaodi; results are recorded in docs/benchmarks.md."""
