"""Scenes (screens) of the app as State objects: menu and play, more to come.

A scene handles one event at a time and says which scene comes next; the app
loop in `game.app` owns the window and swaps scenes.
"""
