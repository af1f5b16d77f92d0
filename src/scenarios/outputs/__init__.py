"""Outputs: what people read and use (the explorer app; plots and reports are moving here)."""
