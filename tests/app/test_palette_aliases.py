"""The command palette jumps to a note by any of its aliases, as Obsidian's quick switcher does."""

from __future__ import annotations

from pathlib import Path

from factories import make_app

VAULT = Path(__file__).resolve().parents[1] / "fixtures" / "obsidian"


async def test_palette_jumps_to_a_note_by_its_alias(tmp_path: Path) -> None:
    app = make_app(VAULT, tmp_path, use_cache=False, live_reload=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"bookworms")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.current is not None and app.main.current.path == "Projects/Reading group.md"
