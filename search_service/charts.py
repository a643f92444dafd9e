"""Server-rendered bar charts: accessible SVG for the pages, SVG and PNG files for a board
paper, and each chart's numbers as CSV.

One chart model, three outputs. The SVG is built with ElementTree (every label escaped), uses
presentation attributes only (``fill``, ``font-size``: the pages' Content Security Policy
refuses ``style`` attributes) and names itself for assistive technology (``role="img"``,
``<title>`` and ``<desc>``, joined by ``aria-labelledby``); the pages put a data table beside
each chart. Bars are horizontal with the label on its own line above each bar, in a 360-unit
wide drawing, so that text stays at its full size on a 375 px phone screen and long labels
wrap instead of shrinking. The PNG is the same SVG drawn by CairoSVG (Debian's libcairo2), at
twice the size; no browser is involved. Flask-free.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from markupsafe import Markup

from search_service.engine.exports import safe_cell

__all__ = ["Bar", "Chart", "ChartPanel", "render_svg", "render_png", "chart_csv",
           "chart_panel", "ChartRenderingError", "WIDTH", "DOWNLOADS"]

SVG = "http://www.w3.org/2000/svg"
WIDTH = 360
PAD = 8
FONT = "Arial, Helvetica, sans-serif"
FONT_SIZE = 16  # the NHS.UK body size on a phone; 360 units shown in 343 px: 15 px
LINE = 20  # line height of a label
BAR = 22
GAP = 14  # between one bar and the next label
VALUE_ROOM = 104  # kept free right of the longest bar for its value
WRAP = 38  # characters per label line (16 px Arial averages under 8.7 px a character)
BAR_COLOUR = "#005eb8"  # NHS blue: 7.6:1 on white
TEXT_COLOUR = "#212b32"
PNG_SCALE = 2
DOWNLOADS = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv; charset=utf-8"}


class ChartRenderingError(RuntimeError):
    """A chart could not be drawn as PNG (CairoSVG or libcairo2 missing)."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as people read it: "£1,200", "14"


@dataclass(frozen=True)
class Chart:
    name: str  # a slug: element ids and file names
    title: str
    description: str
    label_heading: str  # the table's first column, e.g. "Region"
    value_heading: str  # e.g. "Case studies"
    bars: Sequence[Bar]
    extra: Sequence[tuple[str, Sequence[str]]] = ()  # more CSV columns: (heading, a value per bar)
    subtitle: str = ""  # what was counted, drawn under the title in a file (e.g. the search)


def _element(parent: ET.Element, tag: str, text: str | None = None,
             **attributes: str | float) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SVG}}}{tag}",
                            {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    element.text = text
    return element


def _heading(svg: ET.Element, chart: Chart) -> float:
    """The chart's title (and subtitle) drawn at the top of a file; returns the height used."""
    y = PAD + LINE
    for line in textwrap.wrap(chart.title, WRAP - 4):
        _element(svg, "text", line, x=PAD, y=y, font_family=FONT, font_size=FONT_SIZE + 2,
                 font_weight="bold", fill=TEXT_COLOUR)
        y += LINE + 2
    for line in textwrap.wrap(chart.subtitle, WRAP + 4):
        _element(svg, "text", line, x=PAD, y=y, font_family=FONT, font_size=FONT_SIZE - 1,
                 fill=TEXT_COLOUR)
        y += LINE
    return y + 4


def render_svg(chart: Chart, standalone: bool = False) -> str:
    """The chart as SVG: for inline use in a page, or ``standalone`` as a file (white
    background, the title drawn in, an XML declaration)."""
    ET.register_namespace("", SVG)
    ids = f"chart-{chart.name}"
    svg = ET.Element(f"{{{SVG}}}svg", {"role": "img", "aria-labelledby":
                                       f"{ids}-title {ids}-desc"})
    _element(svg, "title", chart.title, id=f"{ids}-title")
    _element(svg, "desc", chart.description, id=f"{ids}-desc")
    background = _element(svg, "rect", x=0, y=0, width=WIDTH, fill="#ffffff")
    y = _heading(svg, chart) if standalone else float(PAD)
    largest = max((bar.value for bar in chart.bars), default=0.0)
    room = WIDTH - 2 * PAD - VALUE_ROOM
    for bar in chart.bars:
        for line in textwrap.wrap(bar.label, WRAP) or [""]:
            y += LINE
            _element(svg, "text", line, x=PAD, y=y - 4, font_family=FONT,
                     font_size=FONT_SIZE, fill=TEXT_COLOUR)
        length = room * bar.value / largest if largest > 0 else 0.0
        if bar.value > 0:  # a zero is its number alone, not a sliver that looks like one
            _element(svg, "rect", x=PAD, y=y, width=f"{max(length, 1.0):.1f}", height=BAR,
                     fill=BAR_COLOUR)
        _element(svg, "text", bar.shown, x=f"{PAD + length + 6:.1f}", y=y + BAR - 6,
                 font_family=FONT, font_size=FONT_SIZE, font_weight="bold", fill=TEXT_COLOUR)
        y += BAR + GAP
    height = int(y - GAP + PAD + (0 if chart.bars else LINE))
    background.set("height", str(height))
    svg.set("viewBox", f"0 0 {WIDTH} {height}")
    svg.set("width", str(WIDTH))
    svg.set("height", str(height))
    return ET.tostring(svg, encoding="unicode", xml_declaration=standalone)


def render_png(chart: Chart) -> bytes:
    """The standalone SVG drawn as PNG at twice its size, for a board paper."""
    try:
        import cairosvg  # type: ignore[import-untyped]
    except (ImportError, OSError) as error:  # OSError: libcairo2 is not installed
        raise ChartRenderingError(
            "PNG charts need CairoSVG and Debian's libcairo2 (apt-get install libcairo2); "
            "the SVG and CSV downloads work without them") from error
    svg = render_svg(chart, standalone=True).encode("utf-8")
    png: bytes = cairosvg.svg2png(bytestring=svg, output_width=WIDTH * PNG_SCALE, unsafe=False)
    return png


def chart_csv(chart: Chart) -> str:
    """The chart's numbers: one row per bar (label, value and any extra columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([chart.label_heading, chart.value_heading, *(h for h, _ in chart.extra)])
    for index, bar in enumerate(chart.bars):
        writer.writerow([safe_cell(bar.label), f"{bar.value:g}",
                         *(values[index] for _, values in chart.extra)])
    return buffer.getvalue()



@dataclass(frozen=True)
class ChartPanel:
    """What a page shows for one chart: the SVG, the table of its numbers beside it
    (``head`` as (heading, numeric) pairs, ``rows`` of shown values) and its downloads."""

    chart: Chart
    svg: Markup
    head: Sequence[tuple[str, bool]]
    rows: Sequence[Sequence[str]]
    downloads: dict[str, str]  # "svg", "png", "csv" -> URL


def chart_panel(chart: Chart, url: str, head: Sequence[tuple[str, bool]] | None = None,
                rows: Sequence[Sequence[str]] | None = None) -> ChartPanel:
    """A panel for ``chart``; ``url`` is its download address with ``{kind}`` for the format.
    The table is the chart's label and value unless ``head`` and ``rows`` say more."""
    return ChartPanel(
        chart,
        # ElementTree escaped every text and attribute, so the markup is safe to inline.
        Markup(render_svg(chart)),  # noqa: S704
        head or [(chart.label_heading, False), (chart.value_heading, True)],
        rows if rows is not None else [[bar.label, bar.shown] for bar in chart.bars],
        {kind: url.replace("{kind}", kind) for kind in DOWNLOADS},
    )
