"""Breach Protocol: a crew emergency-response game and training simulator."""

__version__ = "0.1.0"
