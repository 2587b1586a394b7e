"""The statuses of actions month by month as a stacked bar chart: SVG written here, shown
inline, readable without JavaScript or stylesheets.

Every text is escaped. Colours are presentation attributes (fill=, stroke=), never style
attributes, which the Content-Security-Policy forbids; each bar segment has a <title> and the
page gives the same numbers as a table. Colours follow the Okabe-Ito palette, told apart by
people with the common colour-vision deficiencies.
"""

from collections.abc import Sequence

from markupsafe import Markup, escape

from meetings.actions.dashboard import Month
from meetings.actions.models import STATUS_LABELS, ActionStatus

COLOURS = {
    ActionStatus.PROPOSED: "#56b4e9",
    ActionStatus.NOT_STARTED: "#8a94a3",
    ActionStatus.ON_TRACK: "#009e73",
    ActionStatus.AT_RISK: "#e69f00",
    ActionStatus.DELAYED: "#d55e00",
    ActionStatus.COMPLETED: "#0072b2",
    ActionStatus.DROPPED: "#cc79a7",
}
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, PLOT_BOTTOM = 48, 12, 16, 236  # the plot area
LEGEND_Y, LEGEND_STEP = 296, 104


def _attrs(**values) -> str:
    """Name="value" pairs, escaped; a trailing underscore is dropped (class_)."""
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in values.items())


def _tag(name: str, content: str = "", **values) -> str:
    if not content:
        return f"<{name}{_attrs(**values)}/>"
    return f"<{name}{_attrs(**values)}>{content}</{name}>"


def tick_step(top: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50, ...) giving at most five gridlines up to `top`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= 5:
                return step * factor
        step *= 10


def _grid(top: int) -> list[str]:
    step, height = tick_step(top), PLOT_BOTTOM - TOP
    parts = []
    for value in range(0, top + 1, step):
        y = PLOT_BOTTOM - value / top * height
        parts.append(
            _tag("line", x1=LEFT, x2=WIDTH - RIGHT, y1=f"{y:.1f}", y2=f"{y:.1f}", stroke="#d5dbe3")
        )
        parts.append(
            _tag("text", str(value), x=LEFT - 6, y=f"{y + 4:.1f}", text_anchor="end", **_ink())
        )
    return parts


def _ink(size: int = 12) -> dict:
    return {"fill": "#1d2530", "font_size": str(size), "font_family": "system-ui, sans-serif"}


def _bars(months: Sequence[Month], top: int) -> list[str]:
    band = (WIDTH - LEFT - RIGHT) / len(months)
    width, scale = min(band * 0.7, 48), (PLOT_BOTTOM - TOP) / top
    parts = []
    for n, month in enumerate(months):
        x, y = LEFT + band * n + (band - width) / 2, PLOT_BOTTOM
        for status, count in month.counts.items():
            if not count:
                continue
            height = count * scale
            y -= height
            tip = escape(f"{month.label}: {STATUS_LABELS[status]}, {count}")
            rect = _tag(
                "rect",
                f"<title>{tip}</title>",
                x=f"{x:.1f}",
                y=f"{y:.1f}",
                width=f"{width:.1f}",
                height=f"{height:.1f}",
                fill=COLOURS[status],
                stroke="#ffffff",
                stroke_width="1",
                class_=f"chart-bar chart-{status.value}",
            )
            parts.append(rect)
        with_year = n == 0 or month.first_day.month == 1
        parts.append(_month_label(month, LEFT + band * (n + 0.5), with_year))
    return parts


def _month_label(month: Month, x: float, with_year: bool) -> str:
    """The month's abbreviation under its bar; the year too under January and the first."""
    centre = {"x": f"{x:.1f}", "text_anchor": "middle"}
    label = _tag("text", f"{month.first_day:%b}", y=PLOT_BOTTOM + 16, **centre, **_ink())
    if not with_year:
        return label
    return label + _tag("text", str(month.first_day.year), y=PLOT_BOTTOM + 30, **centre, **_ink(11))


def _legend() -> list[str]:
    parts = []
    for n, (status, label) in enumerate(STATUS_LABELS.items()):
        x = LEFT + n * LEGEND_STEP
        swatch = _tag("rect", x=x, y=LEGEND_Y - 10, width=12, height=12, fill=COLOURS[status])
        text = _tag("text", escape(label), x=x + 17, y=LEGEND_Y, **_ink())
        parts.append(_tag("g", swatch + text, class_="chart-legend-item"))
    return parts


def describe(months: Sequence[Month]) -> str:
    """A sentence for <desc>: the span, and the statuses at its end."""
    last = months[-1]
    counts = [f"{n} {STATUS_LABELS[s].lower()}" for s, n in last.counts.items() if n]
    span = months[0].label if len(months) == 1 else f"{months[0].label} to {last.label}"
    return (
        f"Stacked bars, one per month, {span}. At the end of {last.label}: "
        f"{last.total} actions ({', '.join(counts) or 'none'}). The table below gives every number."
    )


def status_chart(months: Sequence[Month], title: str, id_prefix: str = "status-chart") -> Markup:
    """The SVG, to be placed inline in a page; `months` must not be empty."""
    top = max(max(m.total for m in months), 1)
    top = -(-top // tick_step(top)) * tick_step(top)  # up to a whole gridline
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    body = "".join(
        [
            _tag("title", escape(title), id=title_id),
            _tag("desc", escape(describe(months)), id=desc_id),
            *_grid(top),
            *_bars(months, top),
            _tag("g", "".join(_legend()), class_="chart-legend"),
        ]
    )
    svg = _tag(
        "svg",
        body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        width=WIDTH,
        height=HEIGHT,
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        class_="chart",
    )
    return Markup(svg)  # nosec B704  # every text and attribute above is escaped
