"""Benchmarks: each prints JSON and compares against a floor measured in the same run."""
