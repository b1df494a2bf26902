"""Goodwill: an open-source customer-experience platform for airlines."""

__version__ = "0.1.0"
