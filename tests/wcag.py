"""WCAG 2 contrast of two colours, for the accessibility tests (test_accessibility on the
palette, test_browser and test_browser_keyboard on the colours a browser computed). Import it
as ``wcag``: pytest puts tests/ on ``sys.path``."""

from __future__ import annotations

import re


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` or a CSS ``rgb(r, g, b)`` / ``rgba(...)``."""
    if color.startswith("#"):
        channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    else:
        channels = [int(v) / 255 for v in re.findall(r"[\d.]+", color)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (4.5 is the bar for body text, 3 for focus rings)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
