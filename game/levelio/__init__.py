"""Level files: the TOML format shared by the game, the editor and designers."""
