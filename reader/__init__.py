"""reader: a fast, keyboard-driven terminal reader for a local library of Markdown articles."""

__version__ = "0.1.0"
