"""The benchmark harness: `python bench/run.py` (or `make bench`)."""
