"""Listening: feedback from every channel, analysed."""
