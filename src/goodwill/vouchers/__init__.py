"""Vouchers and the append-only compensation ledger."""
