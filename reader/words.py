"""Counts in words: "1 article", "3,916 articles". One rule for the app and the CLI, so neither
says "1 articles" or falls back to "file(s)"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and its noun, thousands separated: ``counted(3916, "article")`` → "3,916 articles"."""
    return f"{count:,} {number(count, noun, plural)}"


def number(count: int, noun: str, plural: str | None = None) -> str:
    """``noun`` as ``count`` of it is said: ``plural`` (else ``noun`` + "s") unless ``count`` is 1."""
    return noun if count == 1 else plural or noun + "s"
