"""Multi-seat exercises in lockstep over the network (OpenRA's way: only commands travel).

seats: who may order what; protocol: what crosses the wire and how it is checked;
lockstep: the host's schedule of frames and each peer's world; link, host, client:
the network beside the game's loop; driver: a seat's side of a running exercise;
visibility: what a seat's screen shows; headless: `host` and `join` without a window.
"""
