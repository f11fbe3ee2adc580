"""Benchmarks: each `bench/*_bench.py` prints its measures against a bare-library baseline (`python -m bench`)."""
