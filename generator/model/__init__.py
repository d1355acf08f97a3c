"""Stage 3: turn the loaded, validated spec and the config into the IR (see ir.py)."""
