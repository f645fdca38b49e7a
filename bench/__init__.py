"""Benchmarks of LMS Admin: `python bench/run.py --scale large` (figures in docs/BENCHMARKS.md)."""
