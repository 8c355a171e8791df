"""Settings declared once: checks for lesson files and the command line from the fields' declarations."""
from dataclasses import dataclass

import pytest

from convlab.lab.settings import as_section, checkers, describe, from_section, parse_assignment, setting, setting_fields


@dataclass(frozen=True)
class Demo:
    stride: int = setting(1, "Stride", low=1, high=8)
    noise: float = setting(0.5, "Noise", low=0.0, high=2.0)
    mode: str = setting("same", "Padding mode", choices=("full", "same", "valid"))
    causal: bool = setting(True, "Placement", choices=(True, False), labels={True: "causal", False: "centred"})
    normalise: bool = setting(True, "")
    width: int = setting(15, "Width", low=1, high=151)
    decay: float = setting(3.75, "Decay", low=0.25, high=60.0)
    follow: bool = setting(True, "decay follows the width")
    not_a_setting: str = "kept"

    def settled(self):
        from dataclasses import replace
        return replace(self, decay=self.width / 4) if self.follow else self

    def inactive(self):
        return {"decay"} if self.follow else set()


def test_fields_are_listed_in_order_without_undeclared_ones():
    assert [name for name, _, _ in setting_fields(Demo)] == ["stride", "noise", "mode", "causal", "normalise",
                                                             "width", "decay", "follow"]


def test_lesson_sections_are_checked_against_the_declared_ranges():
    settings, warnings = from_section(Demo, {"stride": 3, "mode": "valid", "glow": 1}, "Demo")
    assert settings.stride == 3 and settings.mode == "valid" and settings.noise == 0.5
    assert warnings == ["Demo: the setting 'glow' is unknown to this convlab and was ignored."]
    for bad, words in (({"stride": 9}, "from 1 to 8"), ({"stride": 2.0}, "whole number"),
                       ({"noise": float("nan")}, "finite"), ({"mode": "half"}, "'same'"),
                       ({"causal": 1}, "True"), ({"normalise": "yes"}, "true or false")):
        with pytest.raises(ValueError, match=words):
            from_section(Demo, bad, "Demo")


def test_derived_fields_are_settled_on_load_and_assignment():
    settings, _ = from_section(Demo, {"width": 20, "decay": 9.0}, "Demo")
    assert settings.decay == 5.0  # follows the width
    settings, _ = from_section(Demo, {"width": 20, "decay": 9.0, "follow": False}, "Demo")
    assert settings.decay == 9.0
    assert parse_assignment(Demo(), "width=40").decay == 10.0


def test_sections_round_trip_and_skip_undeclared_fields():
    settings = Demo(stride=2, mode="full", follow=False, decay=7.5)
    section = as_section(settings)
    assert "not_a_setting" not in section and section["decay"] == 7.5
    assert from_section(Demo, section, "Demo")[0] == settings


def test_command_line_assignments_parse_and_refuse_clearly():
    demo = Demo()
    assert parse_assignment(demo, "stride=4").stride == 4
    assert parse_assignment(demo, "noise=1").noise == 1.0 and isinstance(parse_assignment(demo, "noise=1").noise,
                                                                         float)
    assert parse_assignment(demo, "mode=valid").mode == "valid"
    assert parse_assignment(demo, "normalise=off").normalise is False
    assert parse_assignment(demo, "causal=false").causal is False
    with pytest.raises(ValueError, match="'noise' must be a finite number"):
        parse_assignment(demo, "noise=nan")
    with pytest.raises(ValueError, match="field among: stride, noise"):
        parse_assignment(demo, "glow=1")
    with pytest.raises(ValueError, match="field=value"):
        parse_assignment(demo, "stride")


def test_declarations_are_checked():
    with pytest.raises(ValueError, match="needs a range"):
        setting(3, "Size")
    with pytest.raises(ValueError, match="not one of its choices"):
        setting("x", "Mode", choices=("a", "b"))
    assert set(checkers(Demo)) == {name for name, _, _ in setting_fields(Demo)}
    assert describe(Demo)[0] == "stride: 1 to 8 (default 1)"


@dataclass(frozen=True)
class Typed:
    eps: float = setting(1.0, "Epsilon", low=0.0, high=1e30, nonzero=True)
    folder: str = setting("", "Folder", high=8)


def test_a_nonzero_number_and_a_text_with_a_length():
    assert from_section(Typed, {"eps": 0.5, "folder": "photos"}, "Demo")[0] == Typed(0.5, "photos")
    with pytest.raises(ValueError, match="'eps' must be a finite number from 0 to 1e\\+30, not 0; found 0"):
        from_section(Typed, {"eps": 0}, "Demo")
    with pytest.raises(ValueError, match="'folder' must be text of at most 8 characters"):
        from_section(Typed, {"folder": "a" * 9}, "Demo")
    with pytest.raises(ValueError, match="may not be 0, so its default cannot be 0"):
        setting(0.0, "Epsilon", low=0.0, high=1.0, nonzero=True)
    assert describe(Typed) == ["eps: 0 to 1e+30, not 0 (default 1.0)", "folder: text (default )"]
