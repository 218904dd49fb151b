"""The deterministic simulation: no pygame, no wall clock, no global random."""
