"""A table redrawn in place: rows replaced only when they changed, so a refresh never flickers."""

from __future__ import annotations

from textual.widgets import DataTable


class LiveTable(DataTable):
    def __init__(self, *columns: str, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns
        self._rows: list[tuple] = []

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def show(self, rows: list[tuple]) -> None:
        if rows == self._rows:
            return
        cursor = self.cursor_row
        self._rows = rows
        with self.app.batch_update():
            self.clear()
            self.add_rows(rows)
            if rows:
                self.move_cursor(row=min(cursor, len(rows) - 1))

    @property
    def selected(self) -> tuple | None:
        return self._rows[self.cursor_row] if self._rows and 0 <= self.cursor_row < len(self._rows) else None
