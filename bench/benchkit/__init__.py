"""Pieces of bench/run: one module per benchmark, plus the processes and
the sink they share. Python 3 standard library only."""
