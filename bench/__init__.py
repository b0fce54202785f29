"""Benchmarks: each compares one of our endpoints with a bare baseline measured in the same run."""
