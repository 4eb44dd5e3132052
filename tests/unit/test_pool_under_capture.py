"""A cold index parses in worker processes even where ``sys.stderr`` has no file descriptor.

Textual replaces ``sys.stderr`` with a print capture whose ``fileno()`` is -1; multiprocessing's
resource tracker passed that to its spawn and failed, so the app parsed every file of its
first index in one process (2–3× slower than ``reader list``) without a word.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from factories import write_clipping

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    class Capture:  # what Textual puts in sys.stderr while an app runs
        def write(self, text): return len(text)
        def flush(self): pass
        def fileno(self): return -1

    if __name__ == "__main__":
        from reader.library.cache import pool
        from reader.library.scan import walk

        in_parent = []
        parse_entry = pool.parse_entry
        def counted(entry):
            in_parent.append(entry.path)
            return parse_entry(entry)
        pool.parse_entry = counted
        pool.PARALLEL_MIN_FILES = 2
        sys.stderr = Capture()
        entries, _ = walk(Path(sys.argv[1]))
        parsed = [row for chunk in pool.parse_all(entries, 2) for row in chunk]
        print(len(parsed), len(in_parent))
    """
)


def test_files_are_parsed_in_workers_under_a_stderr_without_a_descriptor(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for number in range(12):
        write_clipping(root, f"a{number:02d}.md", f"Story {number}")
    script = tmp_path / "run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(root)], capture_output=True, text=True, timeout=120, check=True
    )
    parsed, in_parent = map(int, done.stdout.split())
    assert parsed == 12
    assert in_parent == 0, "the pool did not start: every file was parsed in the parent"
