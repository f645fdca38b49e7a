"""The import graph of lms/ runs one way: every import points at a layer below (or its own).

Read from the source (imports inside functions count too), so a new upward import fails
here before it becomes a circular import at start-up.
"""

import ast
import importlib.util
from pathlib import Path

import lms

PACKAGE = Path(lms.__file__).parent

# Bottom first. A module belongs to the longest unit its name starts with.
LAYERS = [
    "lms.config",
    "lms.db",
    "lms.models",
    "lms.formatting",
    "lms.security",
    "lms.outage",
    "lms.health",
    "lms.audit",
    "lms.roles",  # role sets, who asks, every endpoint's access
    "lms.scoping",  # what an instructor may see
    "lms.request_timing",  # SQL time per request: slow-request log, Server-Timing
    "lms.auth",  # sign-in, sessions, passwords
    "lms.operations",
    "lms.seed",
    "lms.reports",  # report definitions and the CSV export
    "lms.analytics",  # figures: live queries, rollups, charts
    "lms.database",  # health statistics, the platform schema check, backups
    "lms.admin",  # model views (their list export uses lms.reports)
    "lms.reports.views",  # pages in the admin
    "lms.analytics.drill_down",  # the dashboards' links to admin lists
    "lms.analytics.views",
    "lms.database.views",
    "lms.site",  # the admin shell registers all of the above
    "lms.startup",
    "lms.cli",
    "lms",  # the app factory
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from lms import audit` imports the module lms.audit
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if importlib.util.find_spec(node.module) and is_module(candidate):
                    names.add(candidate)
    return {name for name in names if name == "lms" or name.startswith("lms.")}


def is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def layer_of(name: str) -> int:
    units = [unit for unit in LAYERS if name == unit or name.startswith(unit + ".")]
    return LAYERS.index(max(units, key=len))


def arrows() -> list[tuple[str, str]]:
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        for target in imported(ast.parse(path.read_text())):
            if target == "lms" and source != "lms":
                continue  # `from lms import x` names the submodule, recorded above
            edges.append((source, target))
    return edges


def test_no_import_runs_upward():
    upward = [
        f"{source} imports {target}"
        for source, target in arrows()
        if layer_of(target) > layer_of(source)
    ]
    assert upward == []


def test_every_module_has_a_layer_and_the_walk_sees_imports():
    edges = arrows()
    assert ("lms.site", "lms.admin.catalog") in edges  # the walk reads real imports
    assert all(layer_of(name) >= 0 for edge in edges for name in edge)
