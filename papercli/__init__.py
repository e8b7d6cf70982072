"""papercli: read research papers with a small LongNet model, whole papers at once."""

__version__ = "0.1.0"
