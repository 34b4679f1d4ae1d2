"""The number boxes in a real browser: what a student types arrives as typed, and a refusal is
shown under the box while it goes back to the value in use (ipywidgets' IntText dropped "."
and "e" while typing, so "3.7" became 37 and "1e30" 130)."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")


from explorer.serving.page import Dashboard


def wait_for_box(dash: Dashboard, label: str, shown: str, refused: str) -> None:
    """Until the box labelled ``label`` shows ``shown`` and its refusal contains ``refused``
    ("" for none)."""
    dash.page.wait_for_function(
        """([label, shown, refused]) => [...document.querySelectorAll('.sae-numberbox')]
             .some(b => b.querySelector('label').textContent.startsWith(label)
                   && b.querySelector('input').value === shown
                   && (refused ? b.querySelector('.sae-refused').textContent.includes(refused)
                               : b.querySelector('.sae-refused').textContent === ''))""",
        arg=[label, shown, refused],
        timeout=30_000,
    )


@pytest.mark.parametrize("text", ["3.7", "1e30", "-5", "abc"])
def test_a_typed_seed_is_refused_in_the_page_and_kept(dash, text):
    dash.type_into_box("seed", text)
    wait_for_box(dash, "seed", "0", "is not a whole number" if text != "-5" else "outside")
    shown, why = dash.box("seed")
    assert shown == "0" and text in why  # what the student typed, quoted back
    assert why.endswith("It stays 0.") and "from 0 to 2147483647" in why
    body = dash.page.inner_text("body")
    assert why in body.replace(why, "", 1)  # the status line says it too
    assert "Nothing was lost: training is at step 0" in body and dash.errors == []


def test_a_typed_seed_and_unit_are_taken_exactly(dash):
    dash.type_into_box("seed", "1e30")
    wait_for_box(dash, "seed", "0", "not a whole number")
    dash.type_into_box("seed", "37")
    wait_for_box(dash, "seed", "37", "")  # taken: the refusal is gone
    dash.page.get_by_text("Changing seed restarted training from step 0.").wait_for()
    dash.type_into_box("inspect unit", "99")
    wait_for_box(dash, "inspect unit", "0", "99 is outside the range")
    assert "from 0 to 24" in dash.box("inspect unit")[1]
    dash.type_into_box("inspect unit", "12")
    wait_for_box(dash, "inspect unit", "12", "")
    dash.page.wait_for_function(
        """() => window.__sae.panel('unit_history').querySelector('.sae-caption')
                   .textContent.includes('unit 12 ·')""",
        timeout=30_000,
    )
    assert dash.errors == []


def test_a_slider_readout_refuses_out_of_range_and_takes_a_typed_value(dash):
    from test_browser import RHO, STAR

    # ipywidgets' own readout clamped 5 to 0.5 and read "0.5x" as 0.501, without a word.
    for text, why in (("5", "5 is outside the range"), ("0.5x", "'0.5x' is not a number")):
        dash.type_into_slider(RHO, text)
        # The readout's own refusal: the status line says the same a message earlier.
        readout = dash.page.locator(".sae-numberbox", has=dash.readout(RHO))
        readout.locator(".sae-refused", has_text=f"ρ (target): {why}").wait_for()
        assert dash.readout(RHO).input_value() == "0.0100"
    dash.type_into_slider(RHO, "0.05")
    # The curve follows the slider in the page, which sits on its grid point 0.0501 (one
    # step is 2.3 %); the run uses 0.05 exactly, and the readout says so.
    dash.page.wait_for_function(f"() => Math.abs({STAR} / 0.05 - 1) < 0.012", timeout=30_000)
    assert dash.readout(RHO).input_value() == "0.0500"
    assert dash.page.locator(".sae-refused:not(:empty)").count() == 0
    assert dash.errors == []


def test_decimal_boxes_give_phones_a_keypad_with_a_decimal_point(dash):
    # inputmode "numeric" gives phones and tablets a keypad without a decimal point: only the
    # boxes for whole numbers ask for it.
    def keypad(name: str, part: str = "") -> str:
        return dash.control(name, part).locator("input").get_attribute("inputmode")

    assert keypad("seed") == keypad("unit") == keypad("n_hidden", "readout") == "numeric"
    assert keypad("rho", "readout") == keypad("weight_decay", "readout") == "decimal"
    assert keypad("beta", "readout") == "decimal"
