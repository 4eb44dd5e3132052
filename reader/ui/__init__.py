"""Textual widgets and rendering for the reader app."""
