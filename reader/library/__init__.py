"""The article library: parsing, scanning, the in-memory index and queries.

Pure Python on purpose: nothing here imports Textual, so the CLI, the tests and the
benchmarks can use the library without paying for the UI.
"""

from reader.library.model import Article, Problem

__all__ = ["Article", "Problem"]
