"""Tables for docs/BENCHMARKS.md from the JSON of several `bench/run.py --json` runs.

python bench/markdown.py /tmp/medium.json /tmp/large.json > /tmp/tables.md
"""

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit


def cell(result: dict | None) -> str:
    if result is None:
        return "–"
    if result["p95_ms"] is None:
        return result["verdict"]
    text = f"{result['median_ms']:.0f} / {result['p95_ms']:.0f}"
    return f"**{text} {result['verdict']}**" if result["verdict"] == "MISS" else text


def share(result: dict | None) -> str:
    if result is None or result["db_share"] is None:
        return "–"
    return f"{result['db_share']:.0%} ({result['statements']})"


def key(result: dict) -> tuple[str, str, str]:
    """The same page at every scale: ids, search words and course slugs differ between data
    sets, the path, kind and role do not."""
    return urlsplit(result["url"]).path, result["kind"], result["role"]


def page_table(runs: list[dict]) -> str:
    """One line per page and role; per scale median / p95 ms; SQL share of the last scale."""
    keys = []
    by_run = []
    for run in runs:
        results = {key(r): r for r in run["results"]}
        by_run.append(results)
        keys += [k for k in results if k not in keys]
    scales = [run["scale"] for run in runs]
    lines = [
        "| URL | role | kind | p95 budget | "
        + " | ".join(f"{s} median / p95 ms" for s in scales)
        + f" | {scales[-1]} SQL share (statements) |",
        "|---|---|---|---|" + "---|" * len(scales) + "---|",
    ]
    for k in keys:
        last = next(results[k] for results in reversed(by_run) if k in results)
        budget = "–" if last["budget_ms"] is None else f"{last['budget_ms']:.0f}"
        lines.append(
            f"| `{last['url']}` | {last['role'].lower()} | {last['kind']} | {budget} | "
            + " | ".join(cell(results.get(k)) for results in by_run)
            + f" | {share(by_run[-1].get(k))} |"
        )
    return "\n".join(lines)


def timing_table(runs: list[dict]) -> str:
    lines = [
        "| scale | operation | seconds | budget | result | detail |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        for timing in run["timings"]:
            seconds = "–" if timing["seconds"] is None else f"{timing['seconds']:.1f}"
            detail = timing["detail"].splitlines()[0] if timing["detail"] else ""
            lines.append(
                f"| {run['scale']} | {timing['name']} | {seconds} | {timing['budget']} "
                f"| {timing['verdict']} | {detail} |"
            )
    return "\n".join(lines)


def context_lines(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        m = run["machine"]
        revision = ", ".join(m.get("migration", {}).get("revision", ["?"]))
        lines.append(
            f"- {run['scale']}, {run['when']}: load average before the pages "
            f"{run['load']['before']}, after {run['load']['after']}; database "
            f"{m['database_size']}, migration {revision}"
        )
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    runs = [json.loads(Path(path).read_text()) for path in paths]
    print(context_lines(runs), "", page_table(runs), "", timing_table(runs), sep="\n")


if __name__ == "__main__":
    main(sys.argv[1:])
