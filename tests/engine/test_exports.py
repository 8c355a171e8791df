"""Every engine module declares its public names, and the package exports the ones other code uses."""
import importlib
import pkgutil

import pytest

import convlab.engine

MODULES = sorted(m.name for m in pkgutil.iter_modules(convlab.engine.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_an_all_of_existing_names(name):
    module = importlib.import_module(f"convlab.engine.{name}")
    assert isinstance(module.__all__, list)
    assert len(module.__all__) == len(set(module.__all__))
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.__all__ lists {public!r}, which does not exist"


def test_package_all_names_exist_once():
    names = convlab.engine.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(convlab.engine, name), name


def test_package_exports_the_functions_of_the_public_modules():
    """Functions and classes of a public module's __all__ are importable from convlab.engine itself
    (name lists may stay in their module: several are called BOUNDARIES or METHODS)."""
    for name in MODULES:
        if name.startswith("_"):
            continue
        module = importlib.import_module(f"convlab.engine.{name}")
        for public in module.__all__:
            if callable(getattr(module, public)):
                assert getattr(convlab.engine, public, None) is getattr(module, public), f"{name}.{public}"
