"""A small HTTP client for the benchmark: a new connection per request, cookies kept by hand.

In production the session cookie is Secure; the benchmark talks plain HTTP to 127.0.0.1, where a
cookie jar that follows the rules would never send it back, so cookies are kept in a dict.
"""

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
SERVER_TIMING = re.compile(r'db;dur=([\d.]+);desc="(\d+) statements", app;dur=([\d.]+)')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    ms: float  # request sent to last byte read, as the client saw it

    def server_timing(self) -> tuple[float, int, float] | None:
        """(SQL ms, statements, app ms) from the Server-Timing header (LMS_BENCH_TIMING=1)."""
        match = SERVER_TIMING.search(self.headers.get("Server-Timing", ""))
        if not match:
            return None
        return float(match.group(1)), int(match.group(2)), float(match.group(3))

    @property
    def worker(self) -> str | None:
        return self.headers.get("X-Bench-Worker")


class Client:
    """One visitor of the server at host:port, with their own cookies."""

    def __init__(self, host: str, port: int, timeout: float = 600):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            ms = (time.perf_counter() - started) * 1000
        finally:
            conn.close()
        self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Reply(response.status, response.headers, data, ms)

    def keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def csrf_token(self, path: str = "/login") -> str:
        match = CSRF_FIELD.search(self.get(path).body)
        if not match:
            raise RuntimeError(f"no csrf_token field on {path}")
        return match.group(1).decode()

    def sign_in(self, email: str, password: str) -> Reply:
        """POST /login with the form's CSRF token; a 302 means signed in."""
        token = self.csrf_token()
        return self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
