"""Dynamic properties, one class per module; see base.py for the interface."""
