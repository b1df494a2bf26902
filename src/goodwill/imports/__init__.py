"""Importers: CSV and JSON Lines files of passengers, flights, bookings, events and feedback."""
