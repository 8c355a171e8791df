"""How numbers read in the lab's captions, grids and text boxes: short, with a few significant digits."""
from __future__ import annotations

import math

__all__ = ["format_value"]


def format_value(value: float, digits: int = 3) -> str:
    """Short text for a number with ``digits`` significant digits, e.g. 0.734, -12.3, 203, -7.81e-4.

    >>> format_value(0.73412), format_value(-12.345), format_value(203.4), format_value(-0.000781)
    ('0.734', '-12.3', '203', '-7.81e-4')
    >>> format_value(1.0, 6), format_value(0.0)
    ('1', '0')
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{max(digits - 1, 1)}e}".split("e")
    return f"{mantissa}e{int(exponent)}"
