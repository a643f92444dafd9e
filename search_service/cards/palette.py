"""The NHS.UK colour palette the cards use, and WCAG 2.2 contrast ratios between colours.

Colours are from the NHS.UK design system (service-manual.nhs.uk/design-system/styles/colour).
Every card's text is drawn on a known background, and a test computes the contrast of each
pair a card actually uses (WCAG AA: at least 4.5:1 for text).
"""

from __future__ import annotations

__all__ = ["NHS_BLUE", "NHS_DARK_BLUE", "WHITE", "TEXT", "SECONDARY_TEXT", "PALE_GREY",
           "WARM_YELLOW", "rgb", "relative_luminance", "contrast", "AA_TEXT"]

NHS_BLUE = "#005eb8"
NHS_DARK_BLUE = "#003087"
WHITE = "#ffffff"
TEXT = "#212b32"  # NHS black, the design system's text colour
SECONDARY_TEXT = "#4c6272"  # NHS dark grey
PALE_GREY = "#f0f4f5"  # the design system's page background
WARM_YELLOW = "#ffb81c"

AA_TEXT = 4.5


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour such as ``#005eb8``."""
    r, g, b = (_linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (same colour) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
