"""Benchmarks and corpus reports: run as `python -m benchmarks.<name>`, never as unit tests."""
