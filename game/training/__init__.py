"""Training: record and replay runs, score them, report on them, batch them.

Reads the simulation and drives it only through commands; nothing in
`game.sim` imports from here.
"""
