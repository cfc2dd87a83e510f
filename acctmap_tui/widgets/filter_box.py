"""The account map's filter box: typing in it redraws the screen once per key."""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Size
from textual.reactive import Reactive

from acctmap_tui.widgets.text_inputs import LineInput


class FilterBox(LineInput):
    """A one-line input that hands each new text straight to ``on_text``.

    Two things make a plain :class:`Input` slow to filter 10,000 rows as you type:

    * each keystroke changes its virtual size (the width of its text), and a plain
      input asks for a layout of the whole screen whenever that happens. This box
      is sized by its CSS, so there is nothing to lay out: the text scrolls inside.
    * :class:`Input.Changed` reaches the view a few message hops later, often after
      a frame showing only the new letter has been drawn; the filtered rows then
      need a second frame. Calling ``on_text`` from the value's watcher puts the
      letter and the rows in the same frame.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, on_text: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_text = on_text

    def watch_value(self, value: str) -> None:
        self._on_text(value)
