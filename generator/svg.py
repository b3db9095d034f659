"""Small SVG charts drawn at build time, to be placed inline in a page.

Sizes and colours are SVG attributes and text takes the page's own font and colour, so a chart
needs no stylesheet, no font and no script, and loads nothing. Each chart carries a ``<title>``
and a ``<desc>`` (its figures, as text) for screen readers; the page shows the same numbers as a
table. Bars, marks and rules keep at least 3:1 contrast against the page's white (WCAG 1.4.11).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = 13  # px
ROW = 26  # height of a bar's row
BAR = 16  # thickness of a bar
GAP = 8
AREA = 320  # the length of the longest bar
LINE = 18  # height of a line of text in a grid cell
FILL = "#3f6ec6"
MARK = "#d9480f"
RULE = "#6b7785"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # shown after the bar: the figure as the table writes it
    mark: float | None = None  # a reference drawn across the bar (a preset rate)


@dataclass(frozen=True)
class Cell:
    lines: list[str]
    weight: float  # 0..1: how strongly the cell is shaded


def width(text: str) -> float:
    """The width of ``text`` in pixels, near enough: full-width (CJK) characters are one em."""
    return sum(FONT if unicodedata.east_asian_width(ch) in "WF" else FONT * 0.62 for ch in text)


def _text(x: float, y: float, content: str, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="central" '
            f'fill="currentColor">{escape(content)}</text>')


def _svg(title: str, description: list[str], w: float, h: float, body: list[str]) -> str:
    """The chart in a ``<figure>`` (a block-level tag, so that Markdown passes it through as raw
    HTML), its title shown as the caption too; ``description``: its figures, one phrase each."""
    return "\n".join([f'<figure><svg width="{w:.0f}" height="{h:.0f}" viewBox="0 0 {w:.0f} {h:.0f}" '
                      f'role="img" font-size="{FONT}">', f"<title>{escape(title)}</title>",
                      f"<desc>{escape('; '.join(description))}</desc>", *body, "</svg>",
                      f"<figcaption>{escape(title)}</figcaption></figure>"])


def bars(title: str, rows: list[Bar], scale: float | None = None, centred: bool = False,
         mark_label: str | None = None) -> str:
    """Horizontal bars, one per row, labelled on the left and with their figure on the right.
    ``scale`` is the value of a full-length bar (the largest value by default); centred bars
    make a funnel; ``mark_label`` explains the marks in a legend below."""
    scale = scale or max((r.value for r in rows), default=0) or 1
    left = max((width(r.label) for r in rows), default=0) + 2 * GAP
    right = max((width(r.text) for r in rows), default=0) + 2 * GAP
    body = [] if centred else [f'<line x1="{left:.1f}" y1="0" x2="{left:.1f}" y2="{len(rows) * ROW}" stroke="{RULE}"/>']
    for k, r in enumerate(rows):
        y, length = k * ROW, AREA * min(r.value / scale, 1)
        x = left + (AREA - length) / 2 if centred else left
        end = x + length
        body.append(_text(left - GAP, y + ROW / 2, r.label, "end"))
        body.append(f'<rect x="{x:.1f}" y="{y + (ROW - BAR) / 2:.1f}" width="{length:.1f}" height="{BAR}" '
                    f'fill="{FILL}"/>')
        if r.mark is not None:
            at = left + AREA * min(r.mark / scale, 1)
            body.append(_mark(at, y + 2, ROW - 4))
            end = max(end, at)
        body.append(_text(end + GAP, y + ROW / 2, r.text))
    height = len(rows) * ROW
    if mark_label:
        body += [_mark(left, height + 2, ROW - 4), _text(left + GAP, height + ROW / 2, mark_label)]
        height += ROW
    return _svg(title, [f"{r.label}: {r.text}" for r in rows], left + AREA + right, height, body)


def _mark(x: float, y: float, length: float) -> str:
    return f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + length:.1f}" stroke="{MARK}" stroke-width="3"/>'


def grid(title: str, column_title: str, columns: list[str], row_title: str, rows: list[str],
         cells: list[list[Cell]]) -> str:
    """A matrix of shaded cells (rows x columns), each with a few lines of text, under its column
    labels and beside its row labels; each axis has its title above its labels. The heaviest cell
    is also outlined in the mark colour, so that the worst one stands out without colour vision."""
    texts = [line for row in cells for cell in row for line in cell.lines]
    cell_w = max([width(t) for t in texts + columns] + [AREA / 2]) + 2 * GAP
    cell_h = max(len(cell.lines) for row in cells for cell in row) * LINE + 2 * GAP
    left = max(width(t) for t in [row_title, *rows]) + 2 * GAP  # the row title above the row labels
    top = 2 * ROW  # the column title, then the column labels
    w, h = left + cell_w * len(columns), top + cell_h * len(rows)
    body = [_text(left + cell_w * len(columns) / 2, ROW / 2, column_title, "middle"),
            _text(left - GAP, ROW * 1.5, row_title, "end")]
    body += [_text(left + cell_w * (c + 0.5), ROW * 1.5, label, "middle") for c, label in enumerate(columns)]
    body += [_text(left - GAP, top + cell_h * (r + 0.5), label, "end") for r, label in enumerate(rows)]
    heaviest = max((cell.weight for row in cells for cell in row), default=0)
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            x, y = left + c * cell_w, top + r * cell_h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{cell_h:.1f}" fill="{FILL}" '
                        f'fill-opacity="{0.06 + 0.44 * cell.weight:.2f}" stroke="{RULE}"/>')
            if heaviest and cell.weight == heaviest:
                body.append(f'<rect x="{x + 1.5:.1f}" y="{y + 1.5:.1f}" width="{cell_w - 3:.1f}" '
                            f'height="{cell_h - 3:.1f}" fill="none" stroke="{MARK}" stroke-width="3"/>')
            first = y + cell_h / 2 - (len(cell.lines) - 1) * LINE / 2
            body += [_text(x + cell_w / 2, first + k * LINE, line, "middle") for k, line in enumerate(cell.lines)]
    description = [f"{rows[r]} · {columns[c]}: {' · '.join(cell.lines)}"
                   for r, row in enumerate(cells) for c, cell in enumerate(row) if cell.lines]
    return _svg(title, description, w, h, body)
