"""Locate the shipped ``resources/`` folder from a checkout or an installed wheel."""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed: the wheel force-includes ``resources`` as ``convlab/resources``.
_INSTALLED_ROOT = _PACKAGE_DIR / "resources"
# Checkout (or editable install): ``<repo>/resources`` next to the package folder.
_CHECKOUT_ROOT = _PACKAGE_DIR.parent / "resources"


def resources_root() -> Path:
    """Return the folder holding convlab's shipped resources.

    Returns
    -------
    pathlib.Path
        ``convlab/resources`` when it exists (installed wheel), otherwise
        ``<repo>/resources`` (source checkout). The folder is not created.

    Examples
    --------
    >>> resources_root().name
    'resources'
    """
    if _INSTALLED_ROOT.is_dir():
        return _INSTALLED_ROOT
    return _CHECKOUT_ROOT


def resource_path(*parts: str) -> Path:
    """Return the path of a shipped resource, e.g. ``resource_path("kernels", "sobel.json")``.

    Parameters
    ----------
    *parts : str
        Path components below ``resources/``. Absolute parts and ``..`` are
        refused so a resource name can never point outside the folder.

    Returns
    -------
    pathlib.Path
        The resolved path; it is not checked for existence.

    Raises
    ------
    ValueError
        If a part is empty, absolute, or contains ``..``.

    Examples
    --------
    >>> resource_path("samples").parent.name
    'resources'
    """
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValueError(f"parts must be non-empty strings, got {part!r}")
        pure = Path(part)
        if pure.is_absolute() or ".." in pure.parts:
            raise ValueError(f"parts must stay inside resources/ (no absolute path, no '..'), got {part!r}")
    return resources_root().joinpath(*parts)
