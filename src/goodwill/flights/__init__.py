"""Flights: airports, carriers, flights and the events that disrupt them."""
