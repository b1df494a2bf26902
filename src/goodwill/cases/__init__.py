"""Cases and interactions: how the airline answers, on time."""
