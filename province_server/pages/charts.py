"""Charts of the leaders' dashboard drawn on the server as inline SVG (no script, no font or
file from the internet: they show on a counter's intranet and print as they are).

Every text goes through :func:`esc`; sizes are in the SVG's own units and the image scales to
the width of its box (``viewBox``, ``width="100%"``), so it reads on a phone.
"""

from __future__ import annotations

from province_server import texts
from province_server.pages.html import esc
from province_server.pages.leaders import Counts, OfficeFigures

GREEN, BLUE, RED, GREY, AMBER = "#2e7d32", "#0b5394", "#b00020", "#9aa5b1", "#c77700"
WORST_SHOWN = 12


def _percent(value: float) -> str:
    number = round(100 * value, 1)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}".replace(".", ",")
    return f"{text} %"


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui,Arial,sans-serif" '
        f'font-size="13"><title>{esc(title)}</title>{body}</svg>'
    )


def outcome_chart(total: Counts) -> str:
    """Two stacked bars for the province: the resolved (early, on time, late) and those in
    progress (in time, overdue), with a legend."""
    width, left, bar = 440, 112, 26
    rows = [
        (
            texts.LEADERS_RESOLVED,
            [
                (total.early, GREEN, texts.LEADERS_EARLY),
                (total.on_time, BLUE, texts.LEADERS_ON_TIME),
                (total.late, RED, texts.LEADERS_LATE),
            ],
        ),
        (
            texts.LEADERS_IN_PROGRESS,
            [
                (total.in_time, GREY, texts.LEADERS_IN_TIME),
                (total.overdue, AMBER, texts.LEADERS_OVERDUE),
            ],
        ),
    ]
    biggest = max(1, total.resolved_total, total.in_progress_total)
    scale = (width - left - 44) / biggest
    parts: list[str] = []
    y = 10
    for label, pieces in rows:
        parts.append(f'<text x="0" y="{y + 18}">{esc(label)}</text>')
        x = float(left)
        for value, colour, name in pieces:
            w = value * scale
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}">'
                    f"<title>{esc(name)}: {value}</title></rect>"
                )
                if w > 34:
                    parts.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 18}" fill="#fff" '
                        f'text-anchor="middle">{value}</text>'
                    )
            x += w
        shown = sum(v for v, _, _ in pieces)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 18}">{shown}</text>')
        y += bar + 14
    x, y = 0, y + 2
    for colour, name in (
        (GREEN, texts.LEADERS_EARLY),
        (BLUE, texts.LEADERS_ON_TIME),
        (RED, texts.LEADERS_LATE),
        (GREY, texts.LEADERS_IN_TIME),
        (AMBER, f"{texts.LEADERS_IN_PROGRESS} {texts.LEADERS_OVERDUE.lower()}"),
    ):
        step = 26 + 7 * len(name)
        if x and x + step > width:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}">{esc(name)}</text>')
        x += step
    return _svg(width, y + 18, texts.LEADERS_CHART_TITLE, "".join(parts))


def rate_chart(offices: list[OfficeFigures]) -> str:
    """The on-time rate of the offices that resolved dossiers, the lowest first (at most
    :data:`WORST_SHOWN`), bars red under 80 %, amber under 95 %, else green."""
    rated = sorted(
        ((o, o.counts.on_time_rate) for o in offices if o.counts.on_time_rate is not None),
        key=lambda pair: (pair[1], pair[0].agency_id),
    )[:WORST_SHOWN]
    if not rated:
        return ""
    width, left, bar, gap = 460, 180, 20, 8
    scale = (width - left - 60) / 1.0
    parts: list[str] = []
    y = 4
    for office, rate in rated:
        assert rate is not None
        colour = RED if rate < 0.8 else AMBER if rate < 0.95 else GREEN
        label = office.unit_name or office.agency_id
        if len(label) > 24:
            label = label[:23] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{esc(label)}'
            f"<title>{esc(office.agency_id)}</title></text>"
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(1.0, rate * scale):.1f}" height="{bar}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + rate * scale + 6:.1f}" y="{y + 15}">{esc(_percent(rate))}</text>'
        )
        y += bar + gap
    for mark in (0.8, 1.0):
        x = left + mark * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{y - gap + 2}" stroke="#555" '
            'stroke-dasharray="3 3"/>'
        )
    return _svg(width, y, texts.LEADERS_CHART_RATE_TITLE, "".join(parts))
