"""resource_path finds resources/ in a checkout and inside an installed package."""
from __future__ import annotations

from pathlib import Path

import pytest

import convlab
from convlab import resources_path


def test_checkout_layout_resolves_to_repo_resources():
    repo = Path(convlab.__file__).resolve().parent.parent
    assert resources_path.resources_root() == repo / "resources"
    assert resources_path.resource_path("samples", "x.png") == repo / "resources" / "samples" / "x.png"


def test_installed_layout_is_preferred_when_present(tmp_path, monkeypatch):
    packaged = tmp_path / "site-packages" / "convlab" / "resources"
    (packaged / "kernels").mkdir(parents=True)
    monkeypatch.setattr(resources_path, "_INSTALLED_ROOT", packaged)
    monkeypatch.setattr(resources_path, "_CHECKOUT_ROOT", tmp_path / "nowhere")
    assert resources_path.resource_path("kernels", "edge.json") == packaged / "kernels" / "edge.json"


@pytest.mark.parametrize("part", ["", "../secret", "/etc/passwd", "a/../../b"])
def test_parts_cannot_escape_resources(part):
    with pytest.raises(ValueError, match="parts"):
        resources_path.resource_path(part)
