"""The app served for real: gunicorn as README's "Production" runs it, and a visitor over HTTP.

The visitor keeps cookies by hand (production cookies are Secure, and this is plain HTTP to
127.0.0.1) and can open a download and leave it unread, as a stuck browser tab does.
"""

import http.client
import re
import socket
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import server

HOST = "127.0.0.1"
HANG_GUARD = 60  # seconds: a request that takes longer has hung (not a speed limit)
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A client that reads nothing still has its receive buffer filled; keep it small so the
# server is stuck after a few MB rather than after the kernel's maximum.
UNREAD_RECEIVE_BUFFER = 4096


def wait_until(condition, what: str, timeout: float = HANG_GUARD, every: float = 0.1):
    """Poll `condition` until it returns something true; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (waited {timeout:.0f} s)")
        time.sleep(every)


class Visitor:
    """One person at host:port with their own cookies."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None):
        """(status, headers, body) of one request on a new connection, read to the end."""
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=HANG_GUARD)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, path: str):
        return self.request("GET", path)

    def sign_in(self, email: str, password: str) -> None:
        _status, _headers, page = self.get("/login")
        token = CSRF_FIELD.search(page.decode()).group(1)
        status, _headers, _body = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
        assert status == 302, f"{email} could not sign in ({status})"

    def open_unread(self, path: str) -> tuple[socket.socket, int, bytes]:
        """GET `path` and read only the status line and headers: (socket, status, headers).

        The body is left on the socket, with a small receive buffer: unread, it is a browser
        tab that stopped reading; read, a client the server often has to wait for.
        """
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UNREAD_RECEIVE_BUFFER)
        sock.settimeout(HANG_GUARD)
        sock.connect((self.host, self.port))
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Cookie: {self.cookie_header()}\r\n\r\n".encode()
        )
        received = b""
        while b"\r\n\r\n" not in received:
            data = sock.recv(1024)
            assert data, f"the server closed the connection before answering {path}"
            received += data
        head = received.split(b"\r\n\r\n")[0]
        return sock, int(head.split()[1]), head


def read_to_the_end(sock: socket.socket) -> bytes:
    """Everything the server still sends, until it closes the connection."""
    received = []
    while data := sock.recv(1 << 20):
        received.append(data)
    return b"".join(received)


@contextmanager
def gunicorn(database_url: str, log_path: Path, workers: int = 2, **settings: str):
    """Yields the base URL of gunicorn (README's command, bench/server.py) serving the app on
    `database_url` in production mode, with `settings` as extra environment variables."""
    with server.gunicorn(
        {"DATABASE_URL": database_url, **settings}, workers, log_path, timeout=HANG_GUARD
    ) as (host, port, _process):
        yield f"http://{host}:{port}"
