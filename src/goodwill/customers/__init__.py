"""Customers: one record per passenger, with every identity, consent, preference and wish."""
