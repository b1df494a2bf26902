"""Bookings (PNRs) with their passengers, journeys of segments, and checked bags."""
