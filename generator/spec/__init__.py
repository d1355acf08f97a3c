"""Stage 1: the spec as read (load, limits, overlays) and resolved once into typed nodes (nodes.py, build.py)."""
