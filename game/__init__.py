"""Breach Protocol: a crew emergency-response game and training simulator."""

__version__ = "0.2.0"  # the simulation changed (floor friction, the cardiac-arrest dose): older replays say so
