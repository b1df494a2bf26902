"""Persistence plumbing: declarative base, portable column types, engine and unit of work."""
