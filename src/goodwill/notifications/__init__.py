"""Notifications: messages to passengers, delivered from the outbox."""
