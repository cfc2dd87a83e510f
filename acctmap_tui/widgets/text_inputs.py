"""Text inputs whose editing keys take effect in the order they were typed.

An :class:`~textual.widgets.Input` inserts a typed letter as soon as it reads it,
but its editing keys (ctrl+u, backspace, home, end…) are bindings, and Textual
runs a widget's bindings only once the key has bubbled up to the app. When keys
arrive together, as one SSH packet or a tmux ``send-keys`` brings them, "ctrl+u
Ada" cleared the field *after* "Ada" was inserted, leaving it empty. These
widgets run their own bindings as they read each key, so the order holds.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


async def run_own_binding(widget: Input | TextArea, event: events.Key) -> bool:
    """Run the widget's own binding for the key now, in the widget's queue.

    Returns whether one ran; the key then goes no further, as if the app had run it.
    Priority bindings are the app's to run first and are left alone.
    """
    # The widget's bindings, with any keymap applied: what the app would look up.
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class LineInput(Input):
    """A one-line :class:`Input` whose editing keys keep their typed order."""

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event):
            await super()._on_key(event)


class TextBox(TextArea):
    """A multi-line :class:`TextArea` whose editing keys keep their typed order."""

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event):
            await super()._on_key(event)
