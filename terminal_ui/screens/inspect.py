"""Returns inspection at the returns desk: the form of `terminal_ui.returns`; the return stays
on the screen for its next unit until none is left to inspect."""

from __future__ import annotations

from terminal_ui.returns import RETURN_INSPECT
from terminal_ui.screens.form import FormScreen


class InspectScreen(FormScreen):
    def __init__(self):
        super().__init__(RETURN_INSPECT)

    def _done(self, result: dict) -> None:
        super()._done(result)
        if result["uninspected"] == 0:  # this return is done: the next scan is another label
            self.form.restart()
            self.show_info()
            self.show_prompt()
