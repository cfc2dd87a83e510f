"""A row table that fits its width: long text columns shrink, with an ellipsis, first.

A plain DataTable sizes every column to its widest cell and scrolls sideways, so at
80 columns the short, decisive columns (stage, met) end up off screen. Here the
columns that may be squeezed give up width instead, and rows are keyed by the
record id they show, so a selection survives a refill or a resize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a :class:`FittedTable`."""

    label: str
    key: str
    min_width: int | None = None
    """The narrowest the column may be squeezed to; ``None``: never squeezed."""


def fit_column_widths(
    natural: Sequence[int], minimums: Sequence[int | None], available: int
) -> list[int]:
    """Content widths that fit ``available`` cells, taking from the widest squeezable first.

    Columns without a minimum keep their natural width; if the squeezable ones all
    reach their minimum and it still does not fit, the table scrolls sideways.
    """
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        squeezable = [
            index
            for index, minimum in enumerate(minimums)
            if minimum is not None and widths[index] > minimum
        ]
        if not squeezable:
            break
        widest = max(squeezable, key=lambda index: widths[index])
        widths[widest] -= 1
        excess -= 1
    return widths


class FittedTable(DataTable[Text]):
    """A row-cursor table of records, each row keyed by its record id."""

    def __init__(self, columns: Sequence[ColumnSpec], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._specs = tuple(columns)
        self._record_ids: list[int] = []
        self._cells: list[tuple[str, ...]] = []
        self._natural = [cell_len(spec.label) for spec in self._specs]
        self._widths: list[int] = []
        self._id_by_row: dict[RowKey, int] = {}
        self._row_by_id: dict[int, RowKey] = {}

    def on_mount(self) -> None:
        self._rebuild(self._natural)

    def set_rows(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        """Replace the rows: (record id, cell texts) each; the cursor stays on its record."""
        self._record_ids = [record_id for record_id, _ in rows]
        self._cells = [tuple(cells) for _, cells in rows]
        self._natural = [
            max([cell_len(spec.label), *(cell_len(cells[index]) for cells in self._cells)])
            for index, spec in enumerate(self._specs)
        ]
        self._rebuild(self._fitted_widths())

    def record_id_at(self, row_key: RowKey) -> int | None:
        """The record shown in a row."""
        return self._id_by_row.get(row_key)

    @property
    def cursor_record_id(self) -> int | None:
        """The record under the cursor, if there are rows."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self._id_by_row.get(row_key)

    def move_to_record(self, record_id: int) -> bool:
        """Put the cursor on a record's row; False if the table does not hold it."""
        row_key = self._row_by_id.get(record_id)
        if row_key is None:
            return False
        self.move_cursor(row=self.get_row_index(row_key), scroll=True)
        return True

    def _fitted_widths(self) -> list[int]:
        if not self.size.width:  # not laid out yet: natural widths until the first resize
            return list(self._natural)
        padding = 2 * self.cell_padding * len(self._specs)
        available = self.size.width - padding - self.styles.scrollbar_size_vertical
        return fit_column_widths(self._natural, [spec.min_width for spec in self._specs], available)

    def on_resize(self, _event: events.Resize) -> None:
        widths = self._fitted_widths()
        if widths != self._widths:
            self._rebuild(widths)

    def _rebuild(self, widths: list[int]) -> None:
        selected = self.cursor_record_id
        self.clear(columns=True)
        self._widths = widths
        for spec, width in zip(self._specs, widths, strict=True):
            self.add_column(spec.label, key=spec.key, width=width)
        # Text cells: names come from people and CRMs and are never read as markup.
        keys = self.add_rows(
            [Text(cell, no_wrap=True, overflow="ellipsis") for cell in cells]
            for cells in self._cells
        )
        self._id_by_row = dict(zip(keys, self._record_ids, strict=True))
        self._row_by_id = {record_id: key for key, record_id in self._id_by_row.items()}
        if selected is not None:
            self.move_to_record(selected)
