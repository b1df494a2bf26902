"""Audit: who saw and changed what."""
