"""Hostile input on every endpoint, as an admin, an instructor and an anonymous visitor.

Hypothesis draws the values (NUL bytes, lone surrogates, 1 MB strings, RTL marks, SQL, HTML
and spreadsheet-formula payloads, numbers and dates out of range, JSON nested 10,000 deep).
Nothing here names a page: the endpoints come from the URL map, and what each one reads from
the page that leads to it: the query keys of its links, the fields of the GET forms aimed at
it, the list filters of its filter menu, the select2 lookups of the forms, and every field of
every POST form (read with tests/html_forms.py, posted back with the page's CSRF token and
one field replaced). Two promises for every input: no 5xx, and a request that did not end in
a successful save (a redirect after a POST) leaves the platform's tables as they were.

Failures are collected over the whole walk and reported together, each with the smallest
input Hypothesis found and the last lines of the app's traceback.
"""

import json
import logging
import os
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_from_bytes, urljoin, urlsplit

import pytest
from form_robot import field_kinds, proposals
from html_forms import form_controls, submission
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from support import sign_in
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from wtforms import BooleanField, DateField, DateTimeField, DecimalField, FloatField, IntegerField

from lms.admin.base import StaffModelView
from lms.admin.fields import IdLookupField, JsonField
from lms.models import PLATFORM_MODELS, UserRole
from lms.roles import PUBLIC, admin_view_for, declared_access
from lms.seed.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

# Examples Hypothesis draws per (endpoint, parameter): the first is the sharpest value of the
# parameter's kind, the rest are random. 2 (about 6,600 inputs over some 3,300 parameters)
# keeps the file near 2½ minutes on 2 cores; FUZZ_EXAMPLES=20 for a deeper night run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# Requests one (endpoint, parameter) may spend shrinking a failure before it stops trying.
SHRINK_BUDGET = 40
TRACE = os.environ.get("FUZZ_TRACE")  # print every input and its status (with -s)
ONLY = re.compile(os.environ.get("FUZZ_ONLY", ""))  # fuzz only targets whose name matches
ACCOUNTS = {"admin": "admin@example.com", "instructor": "ada@example.com"}
ADDRESSES = {"anonymous": "127.0.0.21", "instructor": "127.0.0.22", "admin": "127.0.0.23"}
# select2's ajax protocol (Flask-Admin's form.js): the page gives the URL and `name`, the
# script adds the typed word and where in the results it is.
SELECT2_ARGUMENTS = {"query": "a", "offset": "0", "limit": "10"}
# Forms whose fields start empty are filled as a person would before one field is spoiled.
SIGN_IN_AS = {"email": ACCOUNTS["admin"], "password": DEMO_PASSWORD}

# --- hostile values -----------------------------------------------------------------------

NUL, SURROGATE, RTL = "\x00", "\ud800", "\u202e"
PAYLOADS = [
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "%00",
    "../..",
    "\"'><img src=x onerror=alert(1)>",
    "1; DROP TABLE users",
    "${7*7}{{7*7}}",
    "\ufeff",
    "\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "NULL",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "c" + "0" * 24,
    "0",
    "-",
    "%",
    "_",
    "*",
    "id=1&id=2",
]  # the last ones: malformed ids
NUMBERS = [
    "-1",
    str(2**31),
    str(2**63),
    "1e308",
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "0x10",
    "1_000",
    "99999999999999999999999999999",
    "0.000000001",
    "١٢٣",
]
DATES = [
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "1969-12-31",
    "0001-01-01",
    "2024-13-01",
    "9999-12-31 23:59:59",
    "2024-01-01T00:00:00+99:00",
    "-2024-01-01",
    "now",
]
DEEP_JSON = "[" * 10_000 + "]" * 10_000
MEGABYTE = "x" * 1_000_000


def spelled_big(value) -> str:
    """A long value as a short description (failure reports stay readable)."""
    if isinstance(value, (str, bytes)) and len(value) > 60:
        return (
            f"{value[:24]!r}… ({len(value):,} {'bytes' if isinstance(value, bytes) else 'chars'})"
        )
    return repr(value)


characters = st.one_of(
    st.characters(codec=None),  # any code point but surrogates
    st.characters(categories=["Cs"]),  # lone surrogates
    st.sampled_from([NUL, RTL, "\u200f", "\r", "\n", "\t", "'", '"', "<", ">", "&", "%", "\\"]),
)
fragments = st.one_of(
    st.sampled_from(PAYLOADS + NUMBERS + DATES + [NUL, SURROGATE, RTL]),
    st.text(characters, max_size=12),
)
mixed = st.lists(fragments, min_size=1, max_size=4).map("".join)
huge = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", NUL, "é", "<a>"]),
    st.sampled_from([1_000_000, 100_001, 2_001]),
)
nested = st.builds(
    lambda opener, depth: opener * depth + {"[": "]", '{"a":': "}"}[opener] * depth,
    st.sampled_from(["[", '{"a":']),
    st.sampled_from([10_000, 1_000, 100]),
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(sep=" ")),
)
raw_bytes = st.binary(min_size=1, max_size=16)  # sent percent-encoded, as they are, not UTF-8

KINDS = {
    # kind: (its sharpest value, drawn first), then random values of every kind
    "text": NUL,
    "number": str(2**31),
    "date": "9999-12-31",
    "json": DEEP_JSON,
}


def values(kind: str):
    """Hostile values for a parameter of `kind`; Hypothesis tries the first one first."""
    return st.one_of(
        st.just(KINDS[kind]),
        mixed,
        numbers if kind == "number" else dates,
        nested if kind == "json" else numbers,
        raw_bytes,
        huge,
        st.sampled_from([MEGABYTE, DEEP_JSON, SURROGATE, RTL, "", " "]),
    )


def encoded(value) -> str:
    """Percent-encoded as a browser (or anyone) may send it: lone surrogates as the bytes
    they would be in UTF-8 (%ED%A0%80), raw bytes as they are."""
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


def url_encoded(pairs) -> str:
    return "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs)


# --- what changed in the database -----------------------------------------------------------


class PlatformDigest:
    """md5 of every platform table's rows; recomputed only when a transaction wrote anything."""

    def __init__(self, url: str):
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.sql = text(
            " UNION ALL ".join(
                f"SELECT '{name}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{name}" t'
                for name in sorted(PLATFORM_MODELS)
            )
        )
        self.xid, self.tables = None, {}
        self.refresh()

    def next_xid(self, conn) -> int:
        # A transaction that writes takes an xid: none taken since last time, nothing written.
        return conn.execute(
            text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        ).scalar()

    def refresh(self) -> None:
        with self.engine.connect() as conn:
            self.xid = self.next_xid(conn)
            self.tables = dict(conn.execute(self.sql).all())

    def changed_tables(self) -> list[str]:
        """Tables whose rows differ from the last refresh (and refresh)."""
        with self.engine.connect() as conn:
            if self.next_xid(conn) == self.xid:
                return []
        before = self.tables
        self.refresh()
        return sorted(name for name, digest in self.tables.items() if before.get(name) != digest)


# --- the app's log: the traceback behind a 500 ---------------------------------------------


class Tracebacks(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def last_lines(self, since: int) -> str:
        """The traceback's last frame in the app's code and the error's first line."""
        for record in reversed(self.records[since:]):
            if record.exc_info:
                _kind, error, trace = record.exc_info
                frames = [f for f in traceback.extract_tb(trace) if "/lms/" in f.filename]
                where = (
                    f"lms/{frames[-1].filename.split('/lms/')[-1]}:{frames[-1].lineno} "
                    f"in {frames[-1].name}: "
                    if frames
                    else ""
                )
                first = traceback.format_exception_only(error)[-1].strip().splitlines()[0]
                return f"{where}{first[:200]}"
        return "no traceback in the app's log"


# --- reading pages ----------------------------------------------------------------------------


class PageParts(HTMLParser):
    """The links, the forms and the list's filter menu of one page."""

    LINK_ATTRIBUTES = ("href", "formaction", "data-url", "action")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.in_filters = False
        self.filters_json = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(attrs)
        for name in self.LINK_ATTRIBUTES:
            if attrs.get(name) and not attrs[name].startswith(("#", "javascript:", "data:")):
                self.links.append(attrs[name])
        self.in_filters = attrs.get("id") == "filter-groups-data"

    def handle_data(self, data):
        if self.in_filters:
            self.filters_json += data

    def handle_endtag(self, tag):
        self.in_filters = False


def marked_form(html: str, number: int) -> str:
    """The page with its `number`-th form given a class of its own, so that html_forms reads
    that form and no other (of two class attributes, HTMLParser keeps the last)."""
    counter = iter(range(100_000))
    return re.sub(
        r"<form\b([^>]*)>",
        lambda m: (
            f'<form{m.group(1)} class="fuzzed-form">' if next(counter) == number else m.group(0)
        ),
        html,
        flags=re.IGNORECASE,
    )


def filter_arguments(filters_json: str) -> dict[str, str]:
    """flt0_<arg> -> kind, from Flask-Admin's filter menu."""
    if not filters_json.strip():
        return {}
    return {
        f"flt0_{flt['arg']}": "date" if "date" in (flt.get("type") or "") else "text"
        for group in json.loads(filters_json).values()
        for flt in group
    }


def kind_of(sample: str, attrs: dict | None = None) -> str:
    """date, number or text, from the control's type or the value the page put there."""
    attrs = attrs or {}
    if attrs.get("type") in ("date", "datetime-local") or re.fullmatch(
        r"\d{4}-\d\d-\d\d.*", sample
    ):
        return "date"
    if attrs.get("type") == "number" or attrs.get("inputmode") == "decimal" or sample.isdigit():
        return "number"
    if sample.strip()[:1] in ("[", "{"):  # a JSON field of an inline row (a quiz's questions)
        return "json"
    return "text"


def local(url: str) -> str:
    """Path and query of a URL on this site."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


FIELD_KINDS = (
    (JsonField, "json"),
    (DateField, "date"),
    (DateTimeField, "date"),
    (IntegerField, "number"),
    (DecimalField, "number"),
    (FloatField, "number"),
)


# --- who asks ---------------------------------------------------------------------------------


class Visitor:
    """A signed-in member of staff (signed in again whenever a request signed them out), or
    an anonymous visitor with a new browser for each input."""

    def __init__(self, app, role: str):
        self.app, self.name = app, role
        self.role = {"admin": UserRole.ADMIN, "instructor": UserRole.INSTRUCTOR}.get(role)
        self.client = self.browser()
        if self.role is not None:
            self.sign_in()

    def browser(self):
        # An address of its own: the fuzzed sign-ins' failures slow down nobody else.
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = ADDRESSES[self.name]
        return client

    def sign_in(self) -> None:
        response = sign_in(self.client, ACCOUNTS[self.name], DEMO_PASSWORD)
        assert response.status_code == 302, f"{self.name} could not sign in again"

    def client_for_one_input(self):
        return self.client if self.role is not None else self.browser()

    def open(self, client, url: str, method: str = "GET", body: str | None = None):
        response = client.open(
            url,
            method=method,
            data=body,
            content_type="application/x-www-form-urlencoded" if body else None,
        )
        if (
            self.role is not None
            and response.status_code in (302, 303)
            and urlsplit(response.location).path == "/login"
        ):
            self.client = self.browser()
            self.sign_in()
        return response

    def get(self, url: str):
        return self.open(self.client, url)


# --- what to fuzz: (endpoint, parameter) pairs, found from the URL map and the pages ----------


@dataclass
class Target:
    endpoint: str
    method: str
    url: str  # GET: the URL whose one parameter is replaced; POST: the page with the form
    param: str
    kind: str
    action: str | None = None  # POST: the form's action
    path_argument: bool = False  # the value goes into the URL's path (<report_name>)
    fill: dict = field(default_factory=dict)  # POST: values for fields that start empty
    formless: bool = False  # no page has a form for it: its URL, with the one field

    @property
    def name(self) -> str:
        where = "path" if self.path_argument else "query" if self.method == "GET" else "field"
        return f"{self.method} {self.endpoint} ({where} {self.param})"


class Site:
    """Everything one visitor may reach: each endpoint of the URL map and what it reads."""

    def __init__(self, app, visitor: Visitor, protected_ids: set[str]):
        self.app, self.visitor, self.protected = app, visitor, protected_ids
        self.adapter = app.url_map.bind("localhost")
        self.pages: set[str] = set()
        self.urls: dict[str, str] = {}  # endpoint -> a URL that reaches it
        self.params: dict[str, dict[str, str]] = {}  # endpoint -> parameter -> kind
        self.forms: dict[tuple[str, str], list[Target]] = {}  # (endpoint, page) -> fields

    def allowed(self, endpoint: str) -> bool:
        access = declared_access(self.app, endpoint)
        role = self.visitor.role
        return access == PUBLIC or (isinstance(access, frozenset) and role in access)

    def endpoint_of(self, url: str, method: str = "GET") -> str | None:
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/"):
            return None
        try:
            endpoint = self.adapter.match(parts.path, method=method)[0]
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return None
        ok = self.allowed(endpoint) and not endpoint.endswith("static")
        return endpoint if ok else None

    def note(self, endpoint: str, url: str, controls=()) -> None:
        """A URL leading to `endpoint`: its query keys are parameters the endpoint reads."""
        if endpoint.endswith(".ajax_lookup"):  # what the script adds to the page's URL
            url += ("&" if "?" in url else "?") + url_encoded(SELECT2_ARGUMENTS.items())
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        if not self.protected & set(query.values()):  # never fuzz the visitors' own rows
            self.urls.setdefault(endpoint, url)
        found = self.params.setdefault(endpoint, {})
        attrs = {c.name: c.attrs for c in controls}
        for name, sample in query.items():
            found.setdefault(name, kind_of(sample, attrs.get(name)))

    def read(self, url: str) -> None:
        """Fetch a page once and learn the endpoints it leads to and what they read."""
        if url in self.pages:
            return
        self.pages.add(url)
        response = self.visitor.get(url)
        if response.status_code in (301, 302, 303, 307, 308):  # on-site: where it leads
            target = urljoin(url, response.location)
            endpoint = self.endpoint_of(target)
            if endpoint:
                self.note(endpoint, target)
            if not urlsplit(target).netloc:
                self.read(target)
        if response.status_code != 200 or "html" not in response.content_type:
            return
        html = response.get_data(as_text=True)
        parts = PageParts(html)
        here = self.endpoint_of(url)
        if here:
            for name, kind in filter_arguments(parts.filters_json).items():
                self.params.setdefault(here, {}).setdefault(name, kind)
        for link in parts.links:
            endpoint = self.endpoint_of(urljoin(url, link))
            if endpoint:
                self.note(endpoint, urljoin(url, link))
        for number, attrs in enumerate(parts.forms):
            controls = form_controls(marked_form(html, number), "fuzzed-form")
            if attrs.get("method", "get").lower() == "post":
                self.read_post_form(url, attrs, controls)
            else:
                self.read_get_form(url, html, attrs, controls)

    def read_get_form(self, url, html, attrs, controls) -> None:
        """A GET form's fields are parameters of its action, and of each button's formaction."""
        actions = {urljoin(url, attrs.get("action") or url)}
        actions |= {urljoin(url, a) for a in re.findall(r'formaction="([^"]+)"', html)}
        fields = [(c.name, c.value) for c in controls if c.name != "csrf_token"]
        for action in actions:
            endpoint = self.endpoint_of(action)
            if endpoint:
                self.note(endpoint, f"{urlsplit(action).path}?{url_encoded(fields)}", controls)

    def read_post_form(self, url, attrs, controls) -> None:
        action = urljoin(url, attrs.get("action") or url)
        endpoint = self.endpoint_of(action, "POST")
        if not endpoint or (endpoint, urlsplit(url).path) in self.forms:
            return  # one form per endpoint and page: one delete button of a list, not 25
        if any(c.value in self.protected for c in controls):
            return
        kinds = self.field_kinds(endpoint)
        fill = self.empty_fields(endpoint, controls)
        self.forms[(endpoint, urlsplit(url).path)] = [
            Target(
                endpoint,
                "POST",
                url,
                c.name,
                kinds.get(c.name) or kind_of(c.value, c.attrs),
                action=local(action),
                fill=fill,
            )
            for c in {c.name: c for c in controls}.values()
        ]  # inline rows repeat csrf_token

    def model_view(self, endpoint: str):
        view = admin_view_for(self.app, endpoint)
        return view if isinstance(view, StaffModelView) else None

    def field_kinds(self, endpoint: str) -> dict[str, str]:
        view = self.model_view(endpoint)
        if view is None or not endpoint.endswith(("create_view", "edit_view")):
            return {}
        return {
            name: next(kind for base, kind in FIELD_KINDS if issubclass(cls, base))
            for name, cls in field_kinds(self.app, view).items()
            if any(issubclass(cls, base) for base, _ in FIELD_KINDS)
        }

    def empty_fields(self, endpoint: str, controls) -> dict[str, str]:
        """What a person types into the fields that start empty, before one is spoiled: the
        sign-in form gets a real account; a create form a value each (tests/form_robot.py)."""
        if endpoint == "auth.login":
            return dict(SIGN_IN_AS)
        view = self.model_view(endpoint)
        if view is None or not endpoint.endswith("create_view"):
            return {}
        shown = {c.name: c for c in controls}
        fill = {}
        for name, cls in field_kinds(self.app, view).items():
            control = shown.get(name)
            if (
                control is None
                or control.value.strip()
                or issubclass(cls, (BooleanField, IdLookupField))
            ):
                continue
            offered = proposals(cls, "", "fuzz", control.options)
            if offered:
                fill[name] = offered[0]
        return fill

    def explore(self) -> None:
        """Every GET page without arguments, then one page of each endpoint those lead to."""
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" in rule.methods and not rule.arguments and self.endpoint_of(rule.rule):
                self.read(rule.rule)
                self.read_filtered(rule.rule)
        for endpoint in sorted(self.urls):
            self.read(self.urls[endpoint])
        self.share_among_siblings()

    def share_among_siblings(self) -> None:
        """Pages built on one base class (the six dashboards on Dashboard) read the same
        parameters, whether or not each page shows every one of them."""
        families: dict[tuple, list[str]] = {}
        for endpoint in self.params:
            view = admin_view_for(self.app, endpoint)
            if view is not None and not isinstance(view, StaffModelView):
                parent = type(view).__mro__[1]
                families.setdefault((parent, endpoint.split(".")[1]), []).append(endpoint)
        for endpoints in families.values():
            if len(endpoints) > 1:
                shared = {n: k for e in endpoints for n, k in self.params[e].items()}
                for endpoint in endpoints:
                    for name, kind in shared.items():
                        self.params[endpoint].setdefault(name, kind)

    def read_filtered(self, url: str) -> None:
        """A list once more with a filter on: an endpoint whose link carries the filter along
        (the list's CSV export) reads every filter of the list."""
        endpoint = self.endpoint_of(url)
        first = next((p for p in self.params.get(endpoint, {}) if p.startswith("flt")), None)
        if first is None:
            return
        html = self.visitor.get(f"{url}?{first}=1").get_data(as_text=True)
        for link in PageParts(html).links:
            other = self.endpoint_of(urljoin(url, link))
            if other and other != endpoint and first in urljoin(url, link):
                self.note(other, urlsplit(urljoin(url, link)).path)
                for name, kind in self.params[endpoint].items():
                    self.params[other].setdefault(name, kind)

    def targets(self) -> list[Target]:
        found = [
            Target(endpoint, "GET", self.urls.get(endpoint) or "", name, kind)
            for endpoint, params in sorted(self.params.items())
            if endpoint in self.urls
            for name, kind in sorted(params.items())
        ]
        # A page that reads nothing still gets a parameter it did not ask for.
        found += [
            Target(endpoint, "GET", url, "fuzz", "text")
            for endpoint, url in sorted(self.urls.items())
            if not self.params.get(endpoint)
        ]
        forms = [t for fields in self.forms.values() for t in fields]
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if not self.allowed(rule.endpoint) or rule.endpoint.endswith("static"):
                    continue
                found += [
                    Target(rule.endpoint, method, rule.rule, argument, "text", path_argument=True)
                    for argument in sorted(rule.arguments)
                ]
                if not rule.arguments and (rule.endpoint, method) not in {
                    (t.endpoint, t.method) for t in found + forms
                }:
                    # No page leads there (a POST without a form): its URL, with any field.
                    found.append(
                        Target(
                            rule.endpoint,
                            method,
                            rule.rule,
                            "fuzz",
                            "text",
                            formless=method == "POST",
                        )
                    )
        # Writes that take rows away come last, so the pages the others need are still there.
        return found + sorted(
            forms, key=lambda t: t.endpoint.endswith(("delete_view", "action_view"))
        )


# --- sending one input ------------------------------------------------------------------------


class Fuzzer:
    """Runs Hypothesis on each target and keeps every failure, with its smallest input."""

    def __init__(self, visitor: Visitor, site: Site, digest: PlatformDigest, log: Tracebacks):
        self.visitor, self.site, self.digest, self.log = visitor, site, digest, log
        self.tried = 0
        self.failures: list[str] = []

    def path_with(self, target: Target, value) -> str:
        def argument(match):
            return encoded(value) if match.group(1) == target.param else "x"

        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", argument, target.url)

    def send(self, target: Target, value):
        """The request with `value` in the target's parameter; None when its form is gone."""
        visitor = self.visitor
        client = visitor.client_for_one_input()
        if target.path_argument:
            return visitor.open(
                client,
                self.path_with(target, value),
                target.method,
                self.csrf_body(client) if target.method == "POST" else None,
            )
        if target.method == "GET":
            parts = urlsplit(target.url)
            pairs = [
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if k != target.param
            ] + [(target.param, value)]
            return visitor.open(client, f"{parts.path}?{url_encoded(pairs)}", "GET")
        if target.formless:
            body = self.csrf_body(client) + "&" + url_encoded([(target.param, value)])
            return visitor.open(client, target.url, "POST", body)
        pairs = self.form_pairs(client, target)
        if pairs is None:
            return None
        pairs = [(k, value if k == target.param else v) for k, v in pairs]
        if target.param not in dict(pairs):  # an unticked box
            pairs.append((target.param, value))
        return visitor.open(client, target.action, "POST", url_encoded(pairs))

    def csrf_body(self, client) -> str:
        page = "/login" if self.visitor.role is None else "/admin/"
        html = self.visitor.open(client, page).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        return url_encoded([("csrf_token", token.group(1) if token else "")])

    def form_pairs(self, client, target: Target):
        """The form as the page has it now (its CSRF token, the row's current values)."""
        response = self.visitor.open(client, target.url)
        if response.status_code != 200:
            return None
        html = response.get_data(as_text=True)
        for number, attrs in enumerate(PageParts(html).forms):
            action = local(urljoin(target.url, attrs.get("action") or target.url))
            if action != target.action or attrs.get("method", "").lower() != "post":
                continue
            controls = form_controls(marked_form(html, number), "fuzzed-form")
            if any(c.value in self.site.protected for c in controls):
                continue
            for control in controls:
                if control.name in target.fill and not control.value.strip():
                    control.value = target.fill[control.name]
            return submission(controls)
        return None

    def try_one(self, target: Target, value) -> str | None:
        """What went wrong with this input, or None."""
        since = len(self.log.records)
        response = self.send(target, value)
        if response is None:
            return None
        self.tried += 1
        status = response.status_code
        if TRACE:
            print(f"{self.visitor.name} {target.name} {spelled_big(value)} -> {status}")
        if status >= 500:
            return f"{spelled_big(value)} -> {status}: {self.log.last_lines(since)}"
        saved = target.method == "POST" and status in (302, 303)
        if saved:
            self.digest.refresh()
            return None
        changed = self.digest.changed_tables()
        if changed:
            return f"{spelled_big(value)} -> {status}, refused, yet {', '.join(changed)} changed"
        return None

    def fuzz(self, target: Target) -> None:
        calls, known = [0], {}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=(Phase.generate, Phase.shrink),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
            suppress_health_check=list(HealthCheck),
        )
        @given(values(target.kind))
        def one_input(value):
            calls[0] += 1
            key = (type(value), value)
            if calls[0] > EXAMPLES + SHRINK_BUDGET:  # enough shrinking: replay what is known
                assert key not in known, known.get(key)
                return
            problem = self.try_one(target, value)
            if problem:
                known[key] = problem
            assert problem is None, problem

        try:
            one_input()
        except Exception as error:
            self.failures.append(
                f"{self.visitor.name} {target.name}: {str(error).splitlines()[0][:700]}"
            )
            self.digest.refresh()


TOTAL = {"inputs": 0}


def unreached(app, site: Site, targets: list[Target]) -> set[tuple[str, str]]:
    """(endpoint, method) pairs of the URL map the visitor may use that no target covers."""
    allowed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if site.allowed(rule.endpoint) and not rule.endpoint.endswith("static")
    }
    return allowed - {(t.endpoint, t.method) for t in targets}


def test_the_digest_sees_a_changed_row_and_nothing_else(demo_app):
    digest = PlatformDigest(demo_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        assert digest.changed_tables() == []
        with digest.engine.connect() as conn:
            conn.execute(
                text(
                    "UPDATE courses SET title = title || '!' WHERE id = "
                    "(SELECT min(id) FROM courses)"
                )
            )
            conn.execute(text("UPDATE admin_login_throttle SET failures = failures + 1"))
        assert digest.changed_tables() == ["courses"]
        assert digest.changed_tables() == []
    finally:
        digest.engine.dispose()


def protected_ids(app) -> set[str]:
    """The fuzzing accounts' own user rows: spoiling them would end the walk."""
    from lms.db import db
    from lms.models import User

    with app.app_context():
        ids = set(db.session.scalars(db.select(User.id).where(User.email.in_(ACCOUNTS.values()))))
        db.session.remove()
    return ids


@pytest.mark.parametrize("role", ["anonymous", "instructor", "admin"])
def test_hostile_input_never_gives_a_5xx_nor_changes_rows_it_refused(demo_app, role, capsys):
    log = Tracebacks()
    logging.getLogger().addHandler(log)
    digest = PlatformDigest(demo_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        visitor = Visitor(demo_app, role)
        site = Site(demo_app, visitor, protected_ids(demo_app))
        site.explore()
        targets = site.targets()
        assert not unreached(demo_app, site, targets), unreached(demo_app, site, targets)
        fuzzer = Fuzzer(visitor, site, digest, log)
        for target in targets:
            if ONLY.search(target.name):
                fuzzer.fuzz(target)
    finally:
        logging.getLogger().removeHandler(log)
        digest.engine.dispose()
    TOTAL["inputs"] += fuzzer.tried
    endpoints = {t.endpoint for t in targets}
    summary = (
        f"fuzz {role}: {fuzzer.tried:,} inputs over {len(targets):,} parameters of "
        f"{len(endpoints)} endpoints; {len(fuzzer.failures)} failures "
        f"({TOTAL['inputs']:,} inputs in this run so far)"
    )
    with capsys.disabled():
        print("\n" + summary)
    if fuzzer.failures:
        pytest.fail(summary + "\n" + "\n".join(fuzzer.failures), pytrace=False)
