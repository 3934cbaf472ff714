"""A local group-robot stand-in: http.server on 127.0.0.1 in a thread, recording each POST.
`script` lists what to do per request: an HTTP status, ("sleep", seconds) or ("errcode", n)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "json": json.loads(body),
                        "content_type": self.headers.get("Content-Type"),
                    }
                )
                step = receiver.script.pop(0) if receiver.script else 200
                answer = {"errcode": 0, "errmsg": "ok"}
                if isinstance(step, tuple) and step[0] == "sleep":
                    time.sleep(step[1])
                    step = 200
                elif isinstance(step, tuple) and step[0] == "errcode":
                    answer, step = {"errcode": step[1], "errmsg": "error"}, 200
                data = json.dumps(answer).encode()
                try:
                    self.send_response(step)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
