"""Domain-agnostic pure helpers: money, time, ids, text normalisation."""
