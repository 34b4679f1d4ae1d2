"""Text that every reader can read: no mark that needs an emoji font (an empty box without
one), and a tutorial that defines its symbols and writes no ρ̂ in a code font (which draws
the combining circumflex beside the ρ: "ρˆ")."""

from __future__ import annotations

from pathlib import Path

import nbformat

from explorer import Explorer
from explorer.app import instructor

TUTORIAL = Path(__file__).resolve().parents[2] / "notebooks" / "tutorial.ipynb"
COMBINING = range(0x0300, 0x0370)  # combining diacritical marks


def needs_an_emoji_font(text: str) -> bool:
    # The emoji and pictograph planes, and the pictographs of the BMP's symbol blocks that
    # common fonts (DejaVu, Liberation) do not have, such as 🔒 (U+1F512).
    return any(ord(c) >= 0x1F000 for c in text)


def test_a_locked_control_is_marked_without_an_emoji() -> None:
    app = Explorer(n_samples=300)
    names = list(app.controls)
    instructor.instruct(app, lock=names)
    for name, control in app.controls.items():
        assert not needs_an_emoji_font(control.description), (name, control.description)
        if getattr(control, "description_allow_html", None):
            # An icon of the font ipywidgets ships, named for screen readers.
            assert control.description.endswith(instructor.LOCK_MARK), name
            assert 'class="fa fa-lock"' in instructor.LOCK_MARK
            assert 'aria-label="locked"' in instructor.LOCK_MARK
        else:
            assert control.description.endswith(" (locked)"), (name, control.description)
    instructor.instruct(app, lock=[])
    assert not any("lock" in c.description for c in app.controls.values())


def cells(kind: str) -> list[str]:
    nb = nbformat.read(TUTORIAL, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == kind]


def test_the_tutorials_code_writes_no_combining_marks() -> None:
    for source in cells("code"):
        marks = [c for c in source if ord(c) in COMBINING]
        assert not marks, f"{marks} in a code cell:\n{source}"


def test_the_tutorial_defines_its_symbols_before_using_them() -> None:
    text = "\n".join(cells("markdown"))
    uses = text.index("δ_hidden = (W₂ δ_out")
    for definition in ("L = (1/2m) Σ_i ‖x̂_i − x_i‖²", "δ_out = ∂L/∂z_out", "g′(a) = h(1 − h)"):
        assert definition in text, definition
        assert text.index(definition) < uses, definition
