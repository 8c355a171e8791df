"""The declarative form: one control per declared field, both directions, no echo."""
from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from convlab.lab.settings import setting
from convlab.ui.widgets.settings_form import NumberEdit, RadioChoice, ScaledSlider, SettingsForm


@dataclass(frozen=True)
class Demo:
    stride: int = setting(1, "Stride", low=1, high=8, tooltip="how far the kernel moves")
    mode: str = setting("same", "Padding mode", choices=("full", "same", "valid"), labels={"same": "same size"})
    causal: bool = setting(True, "Placement", choices=(True, False), labels={True: "causal", False: "centred"})
    step: float = setting(1.0, "Step", low=0.05, high=10.0, step=0.05)
    width: int = setting(15, "Width", low=1, high=151)
    decay: float = setting(3.75, "Decay", low=0.25, high=60.0, step=0.25)
    follow: bool = setting(True, "decay follows the width")

    def settled(self):
        return replace(self, decay=self.width / 4) if self.follow else self

    def inactive(self):
        return {"decay"} if self.follow else set()


def make(qtbot):
    form = SettingsForm(Demo(), sections=(("Kernel", ("stride", "mode", "width", "decay", "follow")),),
                        hints={"width": "slider", "decay": "slider"})
    qtbot.addWidget(form)
    return form


def test_controls_follow_the_declarations(qtbot):
    form = make(qtbot)
    w = form.widgets
    assert isinstance(w["stride"], QSpinBox) and (w["stride"].minimum(), w["stride"].maximum()) == (1, 8)
    assert w["stride"].toolTip() == "how far the kernel moves"
    assert isinstance(w["mode"], QComboBox) and w["mode"].currentText() == "same size"
    assert [w["causal"].itemText(i) for i in range(2)] == ["causal", "centred"]
    assert isinstance(w["step"], QDoubleSpinBox) and w["step"].singleStep() == 0.05
    assert isinstance(w["width"], ScaledSlider) and isinstance(w["follow"], QCheckBox)
    assert list(form.groups) == ["Kernel", ""]  # the fields not named go to a last group


def test_a_user_change_emits_the_new_settled_settings_once(qtbot):
    form = make(qtbot)
    seen = []
    form.changed.connect(seen.append)
    form.widgets["width"].slider.setValue(20)
    assert seen == [Demo(width=20, decay=5.0)]
    form.widgets["mode"].setCurrentIndex(2)
    assert seen[-1].mode == "valid" and len(seen) == 2
    assert not form.widgets["decay"].isEnabled()
    form.widgets["follow"].setChecked(False)
    assert form.widgets["decay"].isEnabled() and seen[-1].follow is False


def test_set_settings_shows_without_echo_and_change_emits(qtbot):
    form = make(qtbot)
    seen = []
    form.changed.connect(seen.append)
    form.set_settings(Demo(stride=4, causal=False))
    assert seen == [] and form.widgets["stride"].value() == 4 and form.widgets["causal"].currentData() is False
    form.change(stride=4)  # nothing changed: no signal
    assert seen == []
    form.change(stride=5)
    assert seen == [Demo(stride=5, causal=False)] and form.settings() == seen[0]


def test_panels_add_their_own_widgets_to_a_group(qtbot):
    form = make(qtbot)
    button = QPushButton("Load")
    form.add_row("Kernel", button)
    assert button.parent() is form.groups["Kernel"]


@dataclass(frozen=True)
class Chosen:
    shift: int = setting(1, "Horizontal", low=-32, high=32, suffix=" px")
    kernel: str = setting("", "Kernel")
    blur: bool = setting(False, "anti-aliased")


def test_hints_signed_slider_indented_box_and_choices_offered_at_run_time(qtbot):
    form = SettingsForm(Chosen(kernel="b"), sections=(("Shift", ("shift", "kernel", "blur")),),
                        hints={"shift": "signed slider", "kernel": "choices", "blur": "indented"})
    qtbot.addWidget(form)
    seen = []
    form.changed.connect(seen.append)
    w = form.widgets
    assert w["shift"].readout.text() == "+1 px"
    w["shift"].slider.setValue(-5)
    assert w["shift"].readout.text() == "-5 px" and seen == [Chosen(shift=-5, kernel="b")]
    layout = form.groups["Shift"].layout()
    assert layout.getWidgetPosition(w["blur"])[1] == QFormLayout.ItemRole.FieldRole  # not across the row
    assert isinstance(w["kernel"], QComboBox) and w["kernel"].count() == 0
    w["blur"].setChecked(True)  # an empty "choices" combo keeps the field's value
    assert seen[-1] == Chosen(shift=-5, kernel="b", blur=True)
    form.set_choices("kernel", ["a", "b"], {"b": "bank: b"})
    assert [w["kernel"].itemText(i) for i in range(2)] == ["a", "bank: b"]
    assert w["kernel"].currentData() == "b" and len(seen) == 2, "offering choices shows the value, no echo"
    w["kernel"].setCurrentIndex(0)
    assert seen[-1].kernel == "a"
    button = QPushButton("Play")
    form.add_row("Shift", button, after="shift")
    assert layout.getWidgetPosition(button)[0] == layout.getWidgetPosition(w["shift"])[0] + 1


@dataclass(frozen=True)
class Typed:
    folder: str = setting("", "")
    eps: float = setting(10.0, "Epsilon", low=0.0, high=1e30, nonzero=True)
    whiten: bool = setting(True, "whiten")
    size: int = setting(8, "Size", low=3, high=16)


def make_typed(qtbot):
    form = SettingsForm(Typed(), sections=(("Patches", ("folder", "eps", "whiten", "size")),),
                        hints={"eps": "text", "whiten": "indented"})
    qtbot.addWidget(form)
    return form


@dataclass(frozen=True)
class Preview:
    operation: str = setting("correlation", "Operation", choices=("correlation", "convolution"),
                             labels={"correlation": "cross-correlation", "convolution": "convolution"})
    divisor: float = setting(1.0, "Divisor", low=-100.0, high=100.0, decimals=6, nonzero=True)
    angle: float = setting(0.0, "Angle", low=0.0, high=180.0, step=1.0, decimals=0, suffix="°")
    sigma: float = setting(1.5, "Sigma", low=0.5, high=8.0, step=0.1, decimals=1, suffix=" pixels")
    shape: str = setting("round", "Shape", choices=("round", "angled"))
    per_map: bool = setting(True, "one scale per map")

    def changed_from(self, previous):
        return replace(self, shape="angled") if self.angle != previous.angle else self


def make_preview(qtbot):
    form = SettingsForm(Preview(), sections=(("Preview", ("operation", "divisor", "angle", "sigma", "shape",
                                                          "per_map")),),
                        hints={"operation": "radio", "divisor": "text", "angle": "slider below",
                               "sigma": "slider below", "per_map": "indented"})
    qtbot.addWidget(form)
    return form


def test_text_and_typed_numbers_use_line_edits_and_refuse_bad_numbers(qtbot):
    form = make_typed(qtbot)
    seen, refused = [], []
    form.changed.connect(seen.append)
    form.refused.connect(refused.append)
    folder, eps = form.widgets["folder"], form.widgets["eps"]
    assert isinstance(folder, QLineEdit) and isinstance(eps, QLineEdit) and eps.text() == "10"
    folder.setText("  /tmp/photos ")
    folder.editingFinished.emit()
    assert seen == [Typed(folder="/tmp/photos")]
    for bad in ("abc", "nan", "-1", "0"):
        eps.setText(bad)
        eps.editingFinished.emit()
        assert refused[-1] == f"Epsilon must be a number > 0; got '{bad}'; the last valid value stays in use."
        assert eps.text() == "10" and form.refusal() == refused[-1]
    assert len(seen) == 1 and len(refused) == 4
    eps.setText("2.5")
    eps.editingFinished.emit()
    assert seen[-1].eps == 2.5 and len(seen) == 2
    form.set_settings(Typed(eps=0.25))
    assert eps.text() == "0.25" and len(seen) == 2


def test_indented_check_boxes_rows_inserted_above_a_field_and_widgets_beside_one(qtbot):
    form = make_typed(qtbot)
    layout = form.groups["Patches"].layout()
    box = form.widgets["whiten"]
    assert layout.getWidgetPosition(box) == (2, QFormLayout.ItemRole.FieldRole)
    browse, note = QPushButton("Browse…"), QLabel("3 frames")
    holder = form.beside("folder", browse)
    assert browse.parent() is holder and form.widgets["folder"].parent() is holder
    assert layout.getWidgetPosition(holder)[0] == 0
    form.add_row("Patches", note, before="eps")
    assert layout.getWidgetPosition(note)[0] == 1 and layout.getWidgetPosition(form.widgets["eps"])[0] == 2
    form.add_row("Patches", QLabel("first"), before="folder")  # a field with a holder
    assert layout.getWidgetPosition(holder)[0] == 1
    form.widgets["folder"].setText("x")
    form.widgets["folder"].editingFinished.emit()
    assert form.settings().folder == "x"  # the control still works from its holder



def _row(form, widget):
    layout = form.groups["Preview"].layout()
    return layout.getWidgetPosition(widget)


def test_radio_buttons_text_numbers_sliders_with_the_value_below_and_indented_check_boxes(qtbot):
    form = make_preview(qtbot)
    w = form.widgets
    assert isinstance(w["operation"], RadioChoice) and w["operation"].buttons["correlation"].isChecked()
    assert [b.text() for b in w["operation"].buttons.values()] == ["cross-correlation", "convolution"]
    assert isinstance(w["divisor"], NumberEdit) and w["divisor"].text() == "1"
    assert w["sigma"].readout.text() == "1.5 pixels" and w["angle"].readout.text() == "0°"
    assert _row(form, w["sigma"].readout)[0] == _row(form, w["sigma"])[0] + 1  # its own row, under the slider
    assert _row(form, w["per_map"]) == (_row(form, w["shape"])[0] + 1, QFormLayout.ItemRole.FieldRole)
    seen = []
    form.changed.connect(seen.append)
    w["operation"].buttons["convolution"].click()
    assert seen[-1].operation == "convolution"
    w["sigma"].slider.setValue(20)
    assert seen[-1].sigma == 2.0 and w["sigma"].readout.text() == "2 pixels"  # written short: 2, not 2.0
    w["divisor"].setText("0,5")
    w["divisor"].editingFinished.emit()
    assert seen[-1].divisor == 0.5 and w["divisor"].text() == "0,5" and form.refusal() == ""


def test_a_bad_typed_number_is_refused_with_a_note_and_the_last_valid_value_stays(qtbot):
    form = make_preview(qtbot)
    seen, notes = [], []
    form.changed.connect(seen.append)
    form.refused.connect(notes.append)
    for text in ("abc", "0", "nan", "1e9"):
        words = f"Divisor must be a number from -100 to 100, not 0; got '{text}'"
        form.widgets["divisor"].setText(text)
        form.widgets["divisor"].editingFinished.emit()
        assert words in form.refusal() and "the last valid value stays in use" in form.refusal(), text
        assert notes[-1] == form.refusal() and form.widgets["divisor"].text() == "1"  # the last valid one again
    assert seen == [] and form.settings().divisor == 1.0
    form.widgets["divisor"].setText("4")
    form.widgets["divisor"].editingFinished.emit()
    assert seen[-1].divisor == 4.0 and form.refusal() == ""
    form.widgets["divisor"].setText("x")
    form.widgets["divisor"].editingFinished.emit()
    form.set_settings(Preview(divisor=2.0))  # showing settings clears the note
    assert form.refusal() == "" and form.widgets["divisor"].text() == "2"


def test_a_settings_class_may_say_what_a_change_leads_to(qtbot):
    form = make_preview(qtbot)
    seen = []
    form.changed.connect(seen.append)
    form.widgets["angle"].slider.setValue(45)
    assert seen == [Preview(angle=45.0, shape="angled")]
    assert form.widgets["shape"].currentData() == "angled"
    form.change(angle=90.0)
    assert seen[-1].shape == "angled" and len(seen) == 2


def test_fields_without_a_group_are_placed_by_the_panel(qtbot):
    form = SettingsForm(Demo(), sections=(("Kernel", ("mode",)), (None, ("stride",))))
    qtbot.addWidget(form)
    assert form.widgets["stride"].parent() is None and "" in form.groups  # the rest still gets its group
    form.add_row("Kernel", form.widgets["stride"], "Stride")
    assert form.widgets["stride"].parent() is form.groups["Kernel"]
