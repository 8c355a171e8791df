"""Shared by every test and docstring example: doctests run in a fresh temporary folder.

Examples that save files (``save_kernel("edge.csv", ...)``) then write there, not into the
folder pytest was started from.
"""
import pytest


@pytest.fixture(autouse=True)
def _doctest_in_temporary_folder(request):
    if isinstance(request.node, pytest.DoctestItem):
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
