"""Benchmarks on PostgreSQL, each measured against a baseline taken in the same run (see README.md)."""
