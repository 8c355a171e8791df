"""--set PANEL.FIELD=VALUE: one panel setting from the command line, through its declared settings."""
import pytest
from test_cli import run_main
from window_helpers import make_window, panel

from convlab.ui.app import apply_assignments


def test_assignments_reach_the_panel_as_a_user_change(qtbot):
    window = make_window(qtbot)
    translation = panel(window, "translation")
    apply_assignments(window, ["translation.dx=5", "translation.boundary=wrap", "translation.antialias=true"])
    shift = translation.current_settings()[0]
    assert (shift.dx, shift.boundary, shift.antialias) == (5, "wrap", True)
    widgets = translation.image_mode.controls.form.widgets  # the controls show it
    assert widgets["dx"].slider.value() == 5 and widgets["boundary"].currentData() == "wrap"


@pytest.mark.parametrize("text, words", [
    ("nopanel.dx=1", "must start with a panel"),
    ("translation.glow=1", "has no setting 'glow'; its settings are: dx, dy"),
    ("translation.dx=99", "'dx' must be a whole number from"),
    ("translation.dx=nan", "'dx' must be a whole number"),
    ("translation.boundary=edge", "'boundary' must be one of"),
])
def test_bad_assignments_are_refused_with_what_is_allowed(qtbot, text, words):
    window = make_window(qtbot)
    before = panel(window, "translation").current_settings()
    with pytest.raises(ValueError, match=words):
        apply_assignments(window, [text])
    assert panel(window, "translation").current_settings() == before


def test_a_bad_assignment_exits_with_code_2_and_a_message(tmp_path):
    out = run_main("--set", "translation.dx=99", "--source", "sample:edges", "--screenshot",
                   str(tmp_path / "x.png"))
    assert out.returncode == 2 and "convlab: --set: 'dx' must be a whole number from" in out.stderr
    assert not (tmp_path / "x.png").exists()
