"""Drawing the world: camera, cached map layer, actors, labels and the HUD.

Everything here only reads a `World`; input becomes Commands in the scenes.
The sim never imports this package.
"""
