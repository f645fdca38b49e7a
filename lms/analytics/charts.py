"""Plotly figures for the dashboards: titles, axis labels with units, hover values, empty states.

Each figure is built in one go.Figure(data, layout) call from plain dicts and lists: Plotly
validates every property once (update_layout and add_trace each validate and copy again, which
made a page's figures cost more than its SQL), and plain lists keep Plotly 7 from writing
numpy-style typed arrays. Money is drawn as float; the exact Decimal sums are in the tables.
"""

from dataclasses import dataclass, replace
from datetime import datetime

import plotly.graph_objects as go

from lms.analytics.bins import COHORT_WINDOW_DAYS, DAY_MS
from lms.analytics.filters import Filters
from lms.analytics.live.assessments import MIN_ITEM_ATTEMPTS

COLORS = {
    "COMPLETED": "#2e7d32",
    "ACTIVE": "#1565c0",
    "EXPIRED": "#9e9e9e",
    "CANCELLED": "#c62828",
    "PENDING": "#f9a825",
    "FAILED": "#6d4c41",
    "REFUNDED": "#c62828",
    "STUDENT": "#1565c0",
    "INSTRUCTOR": "#6a1b9a",
    "ADMIN": "#ef6c00",
}
PRIMARY, SECONDARY, WARNING = "#1565c0", "#ef6c00", "#c62828"
PREVIOUS = "#616161"  # the previous period's dashed line
YOUNG = "#b0bec5"  # a figure too young or too small to read yet
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def layout(title: str, x_title: str, y_title: str, xaxis=None, yaxis=None, **extra) -> dict:
    """Title at the top left, the legend under it, axis titles with their units."""
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "yref": "container", "y": 0.97},
        "xaxis": {"title": {"text": x_title}, "automargin": True, **(xaxis or {})},
        "yaxis": {
            "title": {"text": y_title},
            "automargin": True,
            "rangemode": "tozero",
            **(yaxis or {}),
        },
        "margin": {"l": 60, "r": 30, "t": 80, "b": 50},
        "height": 400,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.01, "yanchor": "bottom"},
        "hovermode": "closest",
        "font": {"family": FONT, "size": 12},
        **extra,
    }


def right_axis(title: str, **extra) -> dict:
    """A second y axis on the right (for a line over bars), without a grid of its own."""
    return {
        "title": {"text": title},
        "overlaying": "y",
        "side": "right",
        "showgrid": False,
        "tickmode": "auto",
        "rangemode": "tozero",
        "automargin": True,
        **extra,
    }


# Months per tick for a monthly axis of up to so many months (beyond the last: 12).
MONTH_TICKS = ((24, 1), (48, 3), (96, 6))


def time_axis(bucket: str, buckets: int = 0) -> dict:
    """A date axis whose ticks are buckets: left to itself Plotly ticks a range of a few
    months every two weeks, and "%b %Y" then reads "Mar, Mar, Apr, May". Months get a tick
    on every first of the month (every 3, 6 or 12 months past two years), days at least a day
    apart. `buckets`: how many the chart shows (0: not said; a month a tick)."""
    if bucket == "month":
        step = next((months for most, months in MONTH_TICKS if buckets <= most), 12)
        return {
            "type": "date",
            "dtick": f"M{step}",
            "tick0": "2000-01-01",
            "tickformat": "%b %Y",
            "hoverformat": "%B %Y",
        }
    days = {"dtick": DAY_MS} if 0 < buckets <= 14 else {}  # a few days: hours otherwise
    return {"type": "date", "tickformat": "%d %b", "hoverformat": "%a %d %b %Y", **days}


def buckets_in(rows: list[dict], key: str = "bucket") -> int:
    return len({row[key] for row in rows})


def bars(x, y, **trace) -> dict:
    return {"type": "bar", "x": x, "y": y, **trace}


def hbars(labels, values, **trace) -> dict:
    return {"type": "bar", "orientation": "h", "y": labels, "x": values, **trace}


def linked(links) -> dict:
    """A trace's drill-down: per bar or point the URL of the rows behind it (charts.js follows
    meta.links on click; lms/analytics/drill_down.py builds them)."""
    return {"meta": {"links": list(links)}} if links and any(links) else {}


def links_where(links, rows: list[dict], key: str, value) -> list | None:
    """The links of the rows whose `key` is `value` (a trace's share of the rows' links)."""
    if not links:
        return None
    return [link for row, link in zip(rows, links, strict=True) if row[key] == value]


def empty(title: str, message: str = "No data for this range and course.") -> go.Figure:
    """A drawn, labelled figure saying there is nothing to show (never a blank or an error)."""
    return go.Figure(
        layout=layout(
            title,
            "",
            "",
            xaxis={"visible": False},
            yaxis={"visible": False},
            height=220,
            annotations=[
                {
                    "text": message,
                    "showarrow": False,
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                    "font": {"size": 14},
                }
            ],
        )
    )


def number(value) -> float:
    return 0.0 if value is None else float(value)


def dates(rows: list[dict], key: str = "bucket") -> list[str]:
    return [
        row[key].isoformat() if isinstance(row[key], datetime) else str(row[key]) for row in rows
    ]


def short(label: str | None, width: int = 40) -> str:
    label = label or "(deleted course)"
    return label if len(label) <= width else label[: width - 1] + "…"


@dataclass(frozen=True)
class Previous:
    """A time series' rows for the previous range of equal length (Filters.previous)."""

    rows: list[dict]
    label: str  # previous period (02 Jun 2025 – 31 Oct 2025)
    bucket: str  # day or month, as the range it is compared with

    @classmethod
    def of(cls, f: Filters, rows: list[dict]) -> "Previous":
        return cls(rows, f"previous period ({f.span})", f.bucket)

    def where(self, key: str, value: object) -> "Previous":
        return replace(self, rows=[r for r in self.rows if r[key] == value])


def previous_line(previous: Previous, x: list[str], value: str, what: str, **trace) -> dict:
    """The previous range's totals of `value` per bucket, dashed, over this range's buckets `x`
    matched by offset (its first bucket over this range's first, and so on); the hover names
    the previous bucket. A previous bucket past the last of `x` (a range by month can touch
    one more calendar month than the range before it) is left out."""
    totals: dict[datetime, float] = {}
    for row in previous.rows:
        totals[row["bucket"]] = totals.get(row["bucket"], 0.0) + number(row[value])
    buckets = sorted(totals)[: len(x)]
    moment = "%a %d %b %Y" if previous.bucket == "day" else "%B %Y"
    return {
        "type": "scatter",
        "mode": "lines",
        "x": x[: len(buckets)],
        "y": [totals[b] for b in buckets],
        "name": previous.label[:1].upper() + previous.label[1:],
        "legendgroup": "previous",
        "line": {"dash": "dash", "color": PREVIOUS, "width": 2},
        "customdata": [b.strftime(moment) for b in buckets],
        "hovertemplate": what + " in %{customdata}<extra>Previous period</extra>",
        **trace,
    }


def has_any(rows: list[dict], *keys: str) -> bool:
    return any(number(row[key]) for row in rows for key in keys)


def bar_height(rows: list, per_row: int = 24, base: int = 110) -> int:
    return max(320, base + per_row * len(rows))


# --- revenue -------------------------------------------------------------------------------
# One panel per currency, each with its own axis: amounts in two currencies are never drawn
# on one scale, let alone added.

CURRENCY_COLORS = [PRIMARY, SECONDARY, "#6a1b9a", "#00838f", "#5d4037", "#9e9d24"]


def by_currency(rows: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["currency"], []).append(row)
    return groups


def in_currency(value: str, currency: str) -> str:
    """A hover amount: `%{y:,.2f} EUR`."""
    return "%{" + value + ":,.2f} " + currency


def panels(weights: list[int], gap: float) -> list[list[float]]:
    """Vertical bands of the plot area, top first, in proportion to `weights`."""
    room = 1 - gap * (len(weights) - 1)
    bands, top = [], 1.0
    for weight in weights:
        height = room * weight / sum(weights)
        bands.append([max(0.0, top - height), top])
        top -= height + gap
    return bands


def axis_names(k: int) -> tuple[str, str, str, str]:
    """Panel k's trace axes (x2, y2) and layout keys (xaxis2, yaxis2); k = 1 is plain x, y."""
    suffix = "" if k == 1 else str(k)
    return f"x{suffix}", f"y{suffix}", f"xaxis{suffix}", f"yaxis{suffix}"


def revenue_over_time(
    rows: list[dict], bucket: str, links=None, previous: Previous | None = None
) -> go.Figure:
    """links: per row, (URL of its sales, URL of its refunds)."""
    title = f"Gross sales, refunds and net revenue per {bucket}, one panel per currency"
    if not has_any(rows, "gross", "refunded"):
        return empty(title)
    if links:  # each row carries its links through the grouping by currency
        rows = [{**r, "links": pair} for r, pair in zip(rows, links, strict=True)]
    groups = by_currency(rows)
    data: list[dict] = []
    axes: dict[str, dict] = {}
    for k, ((currency, mine), band) in enumerate(
        zip(groups.items(), panels([1] * len(groups), 0.14), strict=True), start=1
    ):
        x_name, y_name, x_key, y_key = axis_names(k)
        x, on = dates(mine), {"xaxis": x_name, "yaxis": y_name, "showlegend": k == 1}
        data += [
            bars(
                x,
                [number(r["gross"]) for r in mine],
                name="Gross sales (by payment date)",
                legendgroup="gross",
                **linked(links and [r["links"][0] for r in mine]),
                marker={"color": COLORS["COMPLETED"]},
                customdata=[r["sales"] for r in mine],
                hovertemplate=in_currency("y", currency)
                + " from %{customdata} sales<extra>Gross sales</extra>",
                **on,
            ),
            bars(
                x,
                [number(r["refunded"]) for r in mine],
                name="Refunds (by refund date)",
                legendgroup="refunds",
                **linked(links and [r["links"][1] for r in mine]),
                marker={"color": COLORS["REFUNDED"]},
                customdata=[r["refunds"] for r in mine],
                hovertemplate=in_currency("y", currency)
                + " in %{customdata} refunds<extra>Refunds</extra>",
                **on,
            ),
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": x,
                "y": [number(r["net"]) for r in mine],
                "name": "Net revenue",
                "legendgroup": "net",
                "marker": {"color": PRIMARY},
                "hovertemplate": in_currency("y", currency) + "<extra>Net revenue</extra>",
                **on,
            },
        ]
        mine_before = previous and previous.where("currency", currency)
        if mine_before and mine_before.rows:  # no line for a currency without money then
            data.append(
                previous_line(mine_before, x, "net", in_currency("y", currency) + " net", **on)
            )
        last = k == len(groups)
        axes[x_key] = {
            **time_axis(bucket),
            "anchor": y_name,
            "automargin": True,
            "title": {"text": f"{bucket.title()} (UTC)" if last else ""},
            **({"matches": "x"} if k > 1 else {}),
        }
        axes[y_key] = {
            "domain": band,
            "anchor": x_name,
            "automargin": True,
            "rangemode": "tozero",
            "title": {"text": f"Amount ({currency})"},
        }
    first_x, first_y = axes.pop("xaxis"), axes.pop("yaxis")
    return go.Figure(
        data=data,
        layout=layout(
            title,
            first_x.pop("title")["text"],
            first_y.pop("title")["text"],
            xaxis=first_x,
            yaxis=first_y,
            barmode="group",
            height=160 + 260 * len(groups),
            **axes,
        ),
    )


def revenue_by_course(rows: list[dict]) -> go.Figure:
    title = "Gross sales by course (top 20 per currency), one panel per currency"
    if not has_any(rows, "gross", "refunded"):
        return empty(title)
    groups = by_currency(rows)
    weights = [len(mine) + 2 for mine in groups.values()]  # room for each panel's axis title
    data: list[dict] = []
    axes: dict[str, dict] = {}
    for k, ((currency, mine), band) in enumerate(
        zip(groups.items(), panels(weights, 0.1), strict=True), start=1
    ):
        x_name, y_name, x_key, y_key = axis_names(k)
        mine = list(reversed(mine))  # largest at the top of a horizontal bar chart
        data.append(
            hbars(
                [short(r["title"]) for r in mine],
                [number(r["gross"]) for r in mine],
                marker={"color": CURRENCY_COLORS[(k - 1) % len(CURRENCY_COLORS)]},
                customdata=[
                    [r["sales"], short(r["title"], 80), number(r["net"]), r["refunds"]]
                    for r in mine
                ],
                hovertemplate="%{customdata[1]}<br>"
                + in_currency("x", currency)
                + " gross from %{customdata[0]} sales, %{customdata[3]} refunds, net "
                + in_currency("customdata[2]", currency)
                + "<extra></extra>",
                xaxis=x_name,
                yaxis=y_name,
            )
        )
        axes[x_key] = {
            "anchor": y_name,
            "automargin": True,
            "rangemode": "tozero",
            "title": {"text": f"Gross sales ({currency})"},
        }
        axes[y_key] = {"domain": band, "anchor": x_name, "automargin": True}
    first_x, first_y = axes.pop("xaxis"), axes.pop("yaxis")
    return go.Figure(
        data=data,
        layout=layout(
            title,
            first_x.pop("title")["text"],
            "",
            xaxis=first_x,
            yaxis=first_y,
            showlegend=False,
            height=bar_height(rows) + 90 * (len(groups) - 1),
            **axes,
        ),
    )


def status_breakdown(rows: list[dict]) -> go.Figure:
    title = "Payments made in the range by status now, per currency (count)"
    if not has_any(rows, "transactions"):
        return empty(title)
    data = [
        bars(
            [r["status"] for r in mine],
            [r["transactions"] for r in mine],
            name=currency,
            marker={"color": CURRENCY_COLORS[k % len(CURRENCY_COLORS)]},
            customdata=[number(r["amount"]) for r in mine],
            hovertemplate="%{x}: %{y:,} payments, "
            + in_currency("customdata", currency)
            + f"<extra>{currency}</extra>",
        )
        for k, (currency, mine) in enumerate(by_currency(rows).items())
    ]
    return go.Figure(
        data=data, layout=layout(title, "Status", "Payments", barmode="group", showlegend=True)
    )


# --- enrollments and completion --------------------------------------------------------


def enrollments_over_time(
    rows: list[dict], bucket: str, links=None, previous: Previous | None = None
) -> go.Figure:
    """links: one URL per row (None: that bar links nowhere)."""
    return stacked_over_time(
        rows,
        bucket,
        title=f"Enrollments per {bucket} by current status",
        group="status",
        value="enrollments",
        noun="enrollments",
        x_title=f"{bucket.title()} enrolled (UTC)",
        y_title="Enrollments",
        links=links,
        previous=previous,
    )


def stacked_over_time(
    rows: list[dict],
    bucket: str,
    *,
    title: str,
    group: str,
    value: str,
    noun: str,
    x_title: str,
    y_title: str,
    links=None,
    previous: Previous | None = None,
) -> go.Figure:
    """Bars per bucket stacked by `group` (a status, a role), each bar linked to its rows, and
    the previous period's line over them."""
    if not has_any(rows, value):
        return empty(title)
    traces = []
    for name in dict.fromkeys(r[group] for r in rows):
        mine = [r for r in rows if r[group] == name]
        traces.append(
            bars(
                dates(mine),
                [r[value] for r in mine],
                **linked(links_where(links, rows, group, name)),
                name=name.title(),
                marker={"color": COLORS.get(name)},
                hovertemplate="%{y:,} " + noun + "<extra>" + name.title() + "</extra>",
            )
        )
    if previous is not None:
        traces.append(previous_line(previous, sorted(set(dates(rows))), value, "%{y:,} " + noun))
    return go.Figure(
        data=traces,
        layout=layout(
            title,
            x_title,
            y_title,
            barmode="stack",
            xaxis=time_axis(bucket, buckets_in(rows)),
        ),
    )


def completion_vs_progress(
    rows: list[dict],
    title: str = "Completion rate vs average progress by course (top 20)",
    links=None,
) -> go.Figure:
    """links: one URL per row, both bars of a course leading to it."""
    if not rows:
        return empty(title)
    rows = list(reversed(rows))
    links = links and list(reversed(links))
    names = [short(r["title"]) for r in rows]
    counts = [r["enrollments"] for r in rows]
    return go.Figure(
        data=[
            hbars(
                names,
                [number(r["completion_rate"]) for r in rows],
                name="Completion rate",
                marker={"color": COLORS["COMPLETED"]},
                customdata=counts,
                **linked(links),
                hovertemplate="%{x:.1f}% completed of %{customdata:,}<extra></extra>",
            ),
            hbars(
                names,
                [number(r["average_progress"]) for r in rows],
                name="Average progress",
                marker={"color": PRIMARY},
                customdata=counts,
                **linked(links),
                hovertemplate="%{x:.1f}% average progress of %{customdata:,}<extra></extra>",
            ),
        ],
        layout=layout(
            title,
            "Percent of enrolled students (%)",
            "",
            barmode="group",
            xaxis={"range": [0, 100]},
            height=bar_height(rows, 36),
        ),
    )


def time_to_completion(rows: list[dict]) -> go.Figure:
    title = "Time from enrollment to completion (completions in the range)"
    if not rows or not rows[0]["total"]:
        return empty(title, "No completions in this range.")
    first = rows[0]  # computed on exact durations, shown to 0.1 day
    note = f"median {first['median_days']:.1f} days · 90% within {first['p90_days']:.1f} days"
    return go.Figure(
        data=[
            bars(
                [r["label"] for r in rows],
                [r["completions"] for r in rows],
                marker={"color": COLORS["COMPLETED"]},
                hovertemplate="%{x}: %{y:,} completions<extra></extra>",
            )
        ],
        layout=layout(
            title,
            "Time from enrollment to completion (exact, in bands of days)",
            "Completions",
            annotations=[
                {
                    "text": note,
                    "showarrow": False,
                    "x": 1,
                    "y": 1.02,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "right",
                    "yanchor": "bottom",
                }
            ],
        ),
    )


def biggest_drop(rows: list[dict]) -> dict | None:
    drops = [r for r in rows if r["dropped"]]
    return max(drops, key=lambda r: (r["dropped"], -r["pos"])) if drops else None


def drop_off_funnel(rows: list[dict], course_title: str | None) -> go.Figure:
    title = f"Drop-off funnel: {short(course_title, 60)}"
    if not rows or not rows[0]["students"]:
        return empty(title, "No students enrolled in this course in this range.")
    labels = [r["title"] if r["pos"] == 0 else f"{r['pos']}. {short(r['title'], 36)}" for r in rows]
    drop = biggest_drop(rows)
    notes = (
        []
        if drop is None
        else [
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "right",
                "y": labels[rows.index(drop)],
                "showarrow": False,
                "font": {"color": WARNING},
                "text": f"biggest drop: −{drop['dropped']:,} before this lesson",
            }
        ]
    )
    return go.Figure(
        data=[
            {
                "type": "funnel",
                "y": labels,
                "x": [r["students"] for r in rows],
                "textposition": "inside",
                "texttemplate": "%{value:,} · %{percentInitial:.0%}",
                "marker": {"color": [WARNING if r is drop else PRIMARY for r in rows]},
                "hovertemplate": "%{y}<br>%{x:,} students (%{percentInitial:.1%} of enrolled)"
                "<extra></extra>",
            }
        ],
        layout=layout(
            title,
            "Students who reached this lesson or a later one",
            "Lesson, in course order",
            showlegend=False,
            annotations=notes,
            height=bar_height(rows, 30),
        ),
    )


def cohort_completion(rows: list[dict], links=None) -> go.Figure:
    title = f"Completion within {COHORT_WINDOW_DAYS} days of enrolling, by monthly cohort"
    if not has_any(rows, "enrolled"):
        return empty(title)
    x = dates(rows, "cohort")
    young = f"not yet comparable: younger than {COHORT_WINDOW_DAYS} days"
    rates = [r["completion_rate"] for r in rows]  # None while a cohort is not comparable
    return go.Figure(
        data=[
            bars(
                x,
                [r["enrolled"] for r in rows],
                name="Enrolled",
                marker={"color": [PRIMARY if r["comparable"] else YOUNG for r in rows]},
                **linked(links),
                customdata=["" if r["comparable"] else f" ({young})" for r in rows],
                hovertemplate="%{y:,} enrolled%{customdata}<extra></extra>",
            ),
            {
                "type": "scatter",
                "x": x,
                "mode": "lines+markers",
                "yaxis": "y2",
                "y": [rate if rate is None else float(rate) for rate in rates],
                "name": f"Completed within {COHORT_WINDOW_DAYS} days (%)",
                "marker": {"color": COLORS["COMPLETED"]},
                "customdata": [r["completed"] for r in rows],
                "hovertemplate": "%{y:.1f}% (%{customdata:,}) completed within "
                f"{COHORT_WINDOW_DAYS} days<extra></extra>",
            },
        ],
        layout=layout(
            title,
            "Month of enrollment (UTC); pale: not yet comparable",
            "Enrolled students",
            xaxis=time_axis("month", len(rows)),
            yaxis2=right_axis(f"Completed within {COHORT_WINDOW_DAYS} days (%)", range=[0, 100]),
        ),
    )


def refunds_by_progress(rows: list[dict]) -> go.Figure:
    title = "Refunds by the progress the student had made"
    if not has_any(rows, "refunds"):
        return empty(title, "No refunds in this range.")
    return go.Figure(
        data=[
            bars(
                [r["label"] for r in rows],
                [r["refunds"] for r in rows],
                marker={"color": COLORS["REFUNDED"]},
                customdata=[number(r["amount"]) for r in rows],
                hovertemplate="%{x}: %{y:,} refunds, $%{customdata:,.2f}<extra></extra>",
            )
        ],
        layout=layout(title, "Progress in the course when refunded", "Refunds"),
    )


# --- progress and engagement -----------------------------------------------------------


def progress_distribution(rows: list[dict]) -> go.Figure:
    title = "Progress of students active in the range"
    if not has_any(rows, "students"):
        return empty(title)
    return go.Figure(
        data=[
            bars(
                [r["label"] for r in rows],
                [r["students"] for r in rows],
                marker={"color": PRIMARY},
                hovertemplate="%{x}: %{y:,} students<extra></extra>",
            )
        ],
        layout=layout(title, "Course progress (%)", "Students"),
    )


def progress_by_course(rows: list[dict]) -> go.Figure:
    title = "Average progress by course (top 20 by active students)"
    if not rows:
        return empty(title)
    rows = list(reversed(rows))
    return go.Figure(
        data=[
            hbars(
                [short(r["title"]) for r in rows],
                [number(r["average_progress"]) for r in rows],
                marker={"color": PRIMARY},
                customdata=[r["students"] for r in rows],
                hovertemplate="%{x:.1f}% average of %{customdata:,} students<extra></extra>",
            )
        ],
        layout=layout(
            title, "Average progress (%)", "", xaxis={"range": [0, 100]}, height=bar_height(rows)
        ),
    )


def lesson_engagement(rows: list[dict], course_title: str | None) -> go.Figure:
    title = f"Lesson completion rate and average watch time: {short(course_title, 50)}"
    if not has_any(rows, "started"):
        return empty(title, "No lesson activity in this course in this range.")
    x = [f"{r['pos']}. {short(r['title'], 24)}" for r in rows]
    return go.Figure(
        data=[
            bars(
                x,
                [number(r["completion_rate"]) for r in rows],
                name="Completion rate (%)",
                marker={"color": COLORS["COMPLETED"]},
                customdata=[r["started"] for r in rows],
                hovertemplate="%{y:.1f}% of %{customdata:,} who started<extra></extra>",
            ),
            {
                "type": "scatter",
                "x": x,
                "mode": "lines+markers",
                "yaxis": "y2",
                # Minutes unrounded: the hover and the table round, once.
                "y": [number(r["average_watch_seconds"]) / 60 for r in rows],
                "name": "Average watch time (min)",
                "marker": {"color": SECONDARY},
                "customdata": [r["minutes"] for r in rows],
                "hovertemplate": (
                    "%{y:.1f} min watched of a %{customdata}-min lesson<extra></extra>"
                ),
            },
        ],
        layout=layout(
            title,
            "Lesson, in course order",
            "Completion rate (%)",
            height=480,
            xaxis={"tickangle": -45},
            yaxis={"range": [0, 100]},
            yaxis2=right_axis("Average watch time (minutes)"),
        ),
    )


# --- people --------------------------------------------------------------------------------


def signups_over_time(
    rows: list[dict], bucket: str, links=None, previous: Previous | None = None
) -> go.Figure:
    return stacked_over_time(
        rows,
        bucket,
        title=f"Sign-ups per {bucket} by role",
        group="role",
        value="signups",
        noun="sign-ups",
        x_title=f"{bucket.title()} (UTC)",
        y_title="New users",
        links=links,
        previous=previous,
    )


def users_by_role(rows: list[dict]) -> go.Figure:
    title = "Users by role (all time)"
    if not has_any(rows, "users"):
        return empty(title, "No users yet.")
    return go.Figure(
        data=[
            bars(
                [r["role"].title() for r in rows],
                [r["users"] for r in rows],
                marker={"color": [COLORS.get(r["role"]) for r in rows]},
                customdata=[r["new_in_range"] for r in rows],
                hovertemplate="%{x}: %{y:,} users, %{customdata:,} new in the range<extra></extra>",
            )
        ],
        layout=layout(title, "Role", "Users"),
    )


# --- assessments ---------------------------------------------------------------------------


def pass_rate_by_quiz(rows: list[dict], links=None) -> go.Figure:
    title = "Pass rate by quiz (top 20 by attempts)"
    if not rows:
        return empty(title)
    rows = list(reversed(rows))
    links = links and list(reversed(links))
    return go.Figure(
        data=[
            hbars(
                [f"{short(r['title'], 24)} · {short(r['course'], 24)}" for r in rows],
                [number(r["pass_rate"]) for r in rows],
                marker={"color": PRIMARY},
                **linked(links),
                customdata=[
                    [r["attempts"], number(r["average_score"]), r["passing_score"]] for r in rows
                ],
                hovertemplate="%{x:.1f}% of %{customdata[0]:,} attempts passed<br>average score "
                "%{customdata[1]:.1f}, pass mark %{customdata[2]}<extra></extra>",
            )
        ],
        layout=layout(
            title, "Attempts passed (%)", "", xaxis={"range": [0, 100]}, height=bar_height(rows)
        ),
    )


def score_distribution(rows: list[dict]) -> go.Figure:
    title = "Score distribution of attempts"
    if not has_any(rows, "passed", "failed"):
        return empty(title)
    x = [r["label"] for r in rows]
    return go.Figure(
        data=[
            bars(
                x,
                [r["passed"] for r in rows],
                name="Passed",
                marker={"color": COLORS["COMPLETED"]},
                hovertemplate="%{x}: %{y:,} passed<extra></extra>",
            ),
            bars(
                x,
                [r["failed"] for r in rows],
                name="Failed",
                marker={"color": WARNING},
                hovertemplate="%{x}: %{y:,} failed<extra></extra>",
            ),
        ],
        layout=layout(title, "Score (points out of 100)", "Attempts", barmode="stack"),
    )


def attempts_per_student(rows: list[dict]) -> go.Figure:
    title = "Attempts per student at a quiz (students starting it in the range)"
    if not has_any(rows, "students"):
        return empty(title)
    return go.Figure(
        data=[
            bars(
                [r["label"] for r in rows],
                [r["students"] for r in rows],
                marker={"color": PRIMARY},
                hovertemplate="%{x} attempts: %{y:,} student–quiz pairs<extra></extra>",
            )
        ],
        layout=layout(
            title, "Attempts at the same quiz", "Students × quizzes", xaxis={"type": "category"}
        ),
    )


def item_analysis(
    rows: list[dict], quiz_title: str | None, minimum: int = MIN_ITEM_ATTEMPTS
) -> go.Figure:
    title = f"Item analysis (first attempts): {short(quiz_title, 50)}"
    rated = [r for r in rows if r["facility"] is not None and r["discrimination"] is not None]
    if not rated:
        return empty(title, "No first attempts at this quiz in this range with marks that vary.")
    shade = {"type": "rect", "line": {"width": 0}, "opacity": 0.06, "layer": "below"}
    return go.Figure(
        data=[
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [number(r["facility"]) for r in rated],
                "y": [number(r["discrimination"]) for r in rated],
                "text": [f"Q{r['order']}" for r in rated],
                "textposition": "top center",
                # Grey: too few first attempts to read anything into the indices.
                "marker": {
                    "size": 12,
                    "color": [PRIMARY if r["attempts"] >= minimum else YOUNG for r in rated],
                },
                "customdata": [
                    [
                        short(r["question"], 60),
                        r["attempts"],
                        "" if r["attempts"] >= minimum else f" (too few: {minimum} needed)",
                    ]
                    for r in rated
                ],
                "hovertemplate": "%{text}: %{customdata[0]}<br>facility %{x:.1f}%, discrimination "
                "%{y:.1f}% over %{customdata[1]} first attempts%{customdata[2]}<extra></extra>",
            }
        ],
        layout=layout(
            title,
            "Facility index (% of the marks scored)",
            "Discrimination index (%)",
            xaxis={"range": [-5, 105]},
            yaxis={"range": [-100, 100], "rangemode": "normal", "zeroline": True},
            # Shaded: weak or negative discrimination (below 20), too hard or too easy.
            shapes=[
                {
                    **shade,
                    "xref": "x",
                    "yref": "y",
                    "x0": -5,
                    "x1": 105,
                    "y0": -100,
                    "y1": 20,
                    "fillcolor": WARNING,
                },
                {
                    **shade,
                    "xref": "x",
                    "yref": "y",
                    "x0": 90,
                    "x1": 105,
                    "y0": -100,
                    "y1": 100,
                    "fillcolor": SECONDARY,
                },
                {
                    **shade,
                    "xref": "x",
                    "yref": "y",
                    "x0": -5,
                    "x1": 20,
                    "y0": -100,
                    "y1": 100,
                    "fillcolor": SECONDARY,
                },
            ],
        ),
    )


# --- pre-computed ------------------------------------------------------------------------


def course_analytics(rows: list[dict]) -> go.Figure:
    title = "Pre-computed completion rate and average progress (all time)"
    if not rows:
        return empty(title, "No course_analytics rows yet: recalculate to compute them.")
    return completion_vs_progress(
        [
            {
                "title": r["title"],
                "enrollments": r["total_enrollments"],
                "completion_rate": r["completion_rate"],
                "average_progress": r["average_progress"],
            }
            for r in rows
        ],
        title,
    )
