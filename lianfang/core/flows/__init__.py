"""The one state-machine engine (engine.py) and the status-change rows it writes (models.py)."""
