"""In-process frame cost of the account map's keys: the compositor's share, alone.

``tui_speed.py`` times a key to the changed screen in a real terminal, which adds
tmux and the pty. This runs the app headless on the same 10,000-account demo and
times only what acctmap and Textual do to draw each frame (``Compositor.render_update``),
so changes to drawing can be compared in paired runs without the terminal's noise.
It also reports how much of each frame each kind of widget took.

    .venv/bin/python benchmarks/frame_cost.py [--keys 40] [--size 120x40]

Writes benchmarks/results/frame_cost.json.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_speed import demo_database  # noqa: E402  (beside this file)

ACCOUNTS = 10_000
KEYS = {
    "page down": ["pagedown"],
    "cursor down": ["down"],
    "filter letter then backspace": ["slash", "q", "backspace", "escape"],
}


async def measure(keys_per_case: int, size: tuple[int, int]) -> dict[str, Any]:
    from textual._compositor import Compositor
    from textual._styles_cache import StylesCache

    from acctmap_tui.app import make_app
    from acctmap_tui.data.db import open_database
    from acctmap_tui.settings import Settings
    from acctmap_tui.widgets.account_map_view import AccountMapView

    frames: list[float] = []
    by_widget: collections.Counter[str] = collections.Counter()
    render_update = Compositor.render_update
    render_widget = StylesCache.render_widget

    def timed_update(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = render_update(self, *args, **kwargs)
        frames.append(time.perf_counter() - start)
        return result

    def timed_widget(self: StylesCache, widget: Any, crop: Any) -> Any:
        start = time.perf_counter()
        result = render_widget(self, widget, crop)
        by_widget[type(widget).__name__] += time.perf_counter() - start
        return result

    database = open_database(demo_database(ACCOUNTS))
    app = make_app(database, Settings(user="bench"))
    results: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        for _ in range(200):  # the full load replaces the first page
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if len(app.query_one(AccountMapView).rows) == ACCOUNTS:
                break
        await pilot.pause(0.5)
        Compositor.render_update = timed_update  # type: ignore[method-assign]
        StylesCache.render_widget = timed_widget  # type: ignore[method-assign]
        try:
            for case, keys in KEYS.items():
                frames.clear()
                by_widget.clear()
                for _ in range(keys_per_case):
                    for key in keys:
                        await pilot.press(key)
                        await pilot.pause()
                count = max(len(frames), 1)
                results[case] = {
                    "frames": len(frames),
                    "median_ms": statistics.median(frames) * 1000 if frames else None,
                    "by_widget_ms_per_frame": {
                        name: seconds * 1000 / count for name, seconds in by_widget.most_common(6)
                    },
                }
                await pilot.press("home")
        finally:
            Compositor.render_update = render_update  # type: ignore[method-assign]
            StylesCache.render_widget = render_widget  # type: ignore[method-assign]
    database.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="presses of each key (default 40)")
    parser.add_argument("--size", default="120x40", help="terminal size (default 120x40)")
    options = parser.parse_args()
    width, height = (int(part) for part in options.size.split("x"))
    results = asyncio.run(measure(options.keys, (width, height)))
    for case, figures in results.items():
        median = figures["median_ms"]
        shown = "—" if median is None else f"{median:.2f} ms"
        print(f"{case:<32} median frame {shown} over {figures['frames']} frames")
        for name, ms in figures["by_widget_ms_per_frame"].items():
            print(f"    {name:<24} {ms:6.2f} ms/frame")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "frame_cost.json"
    out.write_text(json.dumps({"size": options.size, "results": results}, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
