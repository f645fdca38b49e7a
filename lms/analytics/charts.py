"""Plotly figures for the dashboards: titles, axis labels with units, hover values, empty states.

Each figure is built in one go.Figure(data, layout) call from plain dicts and lists: Plotly
validates every property once (update_layout and add_trace each validate and copy again, which
made a page's figures cost more than its SQL), and plain lists keep Plotly 7 from writing
numpy-style typed arrays. Money is drawn as float; the exact Decimal sums are in the tables.
"""

from datetime import datetime

import plotly.graph_objects as go

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
MONEY = "$%{y:,.2f}"
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


def time_axis(bucket: str) -> dict:
    if bucket == "month":
        return {"type": "date", "tickformat": "%b %Y", "hoverformat": "%B %Y"}
    return {"type": "date", "tickformat": "%d %b", "hoverformat": "%a %d %b %Y"}


def bars(x, y, **trace) -> dict:
    return {"type": "bar", "x": x, "y": y, **trace}


def hbars(labels, values, **trace) -> dict:
    return {"type": "bar", "orientation": "h", "y": labels, "x": values, **trace}


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


def has_any(rows: list[dict], *keys: str) -> bool:
    return any(number(row[key]) for row in rows for key in keys)


def bar_height(rows: list, per_row: int = 24, base: int = 110) -> int:
    return max(320, base + per_row * len(rows))


# --- revenue -------------------------------------------------------------------------------


def revenue_over_time(rows: list[dict], bucket: str) -> go.Figure:
    title = f"Revenue per {bucket} (completed) and refunds, USD"
    if not has_any(rows, "revenue", "refunded"):
        return empty(title)
    x = dates(rows)
    return go.Figure(
        data=[
            bars(
                x,
                [number(r["revenue"]) for r in rows],
                name="Revenue (completed)",
                marker={"color": COLORS["COMPLETED"]},
                customdata=[r["sales"] for r in rows],
                hovertemplate=MONEY + " from %{customdata} sales<extra>Revenue</extra>",
            ),
            bars(
                x,
                [number(r["refunded"]) for r in rows],
                name="Refunded (by purchase date)",
                marker={"color": COLORS["REFUNDED"]},
                customdata=[r["refunds"] for r in rows],
                hovertemplate=MONEY + " in %{customdata} refunds<extra>Refunded</extra>",
            ),
        ],
        layout=layout(
            title,
            f"{bucket.title()} (UTC)",
            "Amount (USD)",
            barmode="group",
            xaxis=time_axis(bucket),
        ),
    )


def revenue_by_course(rows: list[dict]) -> go.Figure:
    title = "Revenue by course (completed, top 20), USD"
    if not has_any(rows, "revenue"):
        return empty(title)
    rows = list(reversed(rows))  # largest at the top of a horizontal bar chart
    return go.Figure(
        data=[
            hbars(
                [short(r["title"]) for r in rows],
                [number(r["revenue"]) for r in rows],
                marker={"color": PRIMARY},
                customdata=[[r["sales"], short(r["title"], 80)] for r in rows],
                hovertemplate="%{customdata[1]}<br>$%{x:,.2f} from %{customdata[0]} sales"
                "<extra></extra>",
            )
        ],
        layout=layout(title, "Revenue (USD)", "", height=bar_height(rows)),
    )


def status_breakdown(rows: list[dict]) -> go.Figure:
    title = "Transactions by status: count and value"
    if not has_any(rows, "transactions"):
        return empty(title)
    labels = [
        r["status"] if r["currency"] == "USD" else f"{r['status']} ({r['currency']})" for r in rows
    ]
    colors = [COLORS.get(r["status"], PRIMARY) for r in rows]
    # Two panels side by side: count on the left, value on the right.
    return go.Figure(
        data=[
            bars(
                labels,
                [r["transactions"] for r in rows],
                marker={"color": colors},
                hovertemplate="%{x}: %{y:,} transactions<extra></extra>",
            ),
            bars(
                labels,
                [number(r["amount"]) for r in rows],
                marker={"color": colors},
                customdata=[r["currency"] for r in rows],
                xaxis="x2",
                yaxis="y2",
                hovertemplate="%{x}: %{y:,.2f} %{customdata}<extra></extra>",
            ),
        ],
        layout=layout(
            title,
            "Status (count)",
            "Transactions",
            showlegend=False,
            xaxis={"domain": [0, 0.44]},
            xaxis2={
                "domain": [0.56, 1],
                "anchor": "y2",
                "automargin": True,
                "title": {"text": "Status (value)"},
            },
            yaxis2={
                "anchor": "x2",
                "automargin": True,
                "rangemode": "tozero",
                "title": {"text": "Amount (currency of the sale)"},
            },
        ),
    )


# --- enrollments and completion --------------------------------------------------------


def enrollments_over_time(rows: list[dict], bucket: str) -> go.Figure:
    title = f"Enrollments per {bucket} by current status"
    if not has_any(rows, "enrollments"):
        return empty(title)
    traces = []
    for status in dict.fromkeys(r["status"] for r in rows):
        mine = [r for r in rows if r["status"] == status]
        traces.append(
            bars(
                dates(mine),
                [r["enrollments"] for r in mine],
                name=status.title(),
                marker={"color": COLORS.get(status)},
                hovertemplate="%{y:,} enrollments<extra>" + status.title() + "</extra>",
            )
        )
    return go.Figure(
        data=traces,
        layout=layout(
            title,
            f"{bucket.title()} enrolled (UTC)",
            "Enrollments",
            barmode="stack",
            xaxis=time_axis(bucket),
        ),
    )


def completion_vs_progress(
    rows: list[dict], title: str = "Completion rate vs average progress by course (top 20)"
) -> go.Figure:
    if not rows:
        return empty(title)
    rows = list(reversed(rows))
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
                hovertemplate="%{x:.1f}% completed of %{customdata:,}<extra></extra>",
            ),
            hbars(
                names,
                [number(r["average_progress"]) for r in rows],
                name="Average progress",
                marker={"color": PRIMARY},
                customdata=counts,
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
    first = rows[0]
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
            "Whole days from enrollment to completion",
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


def cohort_completion(rows: list[dict]) -> go.Figure:
    title = "Completion by monthly enrollment cohort"
    if not has_any(rows, "enrolled"):
        return empty(title)
    x = dates(rows, "cohort")
    return go.Figure(
        data=[
            bars(
                x,
                [r["enrolled"] for r in rows],
                name="Enrolled",
                marker={"color": PRIMARY},
                hovertemplate="%{y:,} enrolled<extra></extra>",
            ),
            {
                "type": "scatter",
                "x": x,
                "mode": "lines+markers",
                "yaxis": "y2",
                "y": [r["completion_rate"] and float(r["completion_rate"]) for r in rows],
                "name": "Completed so far (%)",
                "marker": {"color": COLORS["COMPLETED"]},
                "customdata": [r["completed"] for r in rows],
                "hovertemplate": "%{y:.1f}% (%{customdata:,}) completed<extra></extra>",
            },
        ],
        layout=layout(
            title,
            "Month of enrollment (UTC)",
            "Enrolled students",
            xaxis=time_axis("month"),
            yaxis2=right_axis("Completed (%)", range=[0, 100]),
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
                "y": [round(number(r["average_watch_seconds"]) / 60, 2) for r in rows],
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


def signups_over_time(rows: list[dict], bucket: str) -> go.Figure:
    title = f"Sign-ups per {bucket} by role"
    if not has_any(rows, "signups"):
        return empty(title)
    traces = []
    for role in dict.fromkeys(r["role"] for r in rows):
        mine = [r for r in rows if r["role"] == role]
        traces.append(
            bars(
                dates(mine),
                [r["signups"] for r in mine],
                name=role.title(),
                marker={"color": COLORS.get(role)},
                hovertemplate="%{y:,} sign-ups<extra>" + role.title() + "</extra>",
            )
        )
    return go.Figure(
        data=traces,
        layout=layout(
            title, f"{bucket.title()} (UTC)", "New users", barmode="stack", xaxis=time_axis(bucket)
        ),
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


def pass_rate_by_quiz(rows: list[dict]) -> go.Figure:
    title = "Pass rate by quiz (top 20 by attempts)"
    if not rows:
        return empty(title)
    rows = list(reversed(rows))
    return go.Figure(
        data=[
            hbars(
                [f"{short(r['title'], 24)} · {short(r['course'], 24)}" for r in rows],
                [number(r["pass_rate"]) for r in rows],
                marker={"color": PRIMARY},
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


def item_analysis(rows: list[dict], quiz_title: str | None) -> go.Figure:
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
                "marker": {"size": 12, "color": PRIMARY},
                "customdata": [[short(r["question"], 60), r["attempts"]] for r in rated],
                "hovertemplate": "%{text}: %{customdata[0]}<br>facility %{x:.1f}%, discrimination "
                "%{y:.1f}% over %{customdata[1]} first attempts<extra></extra>",
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
