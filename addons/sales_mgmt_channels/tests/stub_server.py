"""A stub HTTP server on 127.0.0.1 that replays scripted answers, for the adapter tests.

``StubServer.script(method, path, answers)`` queues answers for a route; each request takes
the next one (the last one is repeated). Every request is recorded with its query, headers
and body. Nothing here reaches the internet.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).parent / "data"


def fixture(name):
    return json.loads((DATA / name).read_text())


class Answer:
    def __init__(self, status=200, body=b"", headers=None, callback=None):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.status, self.body, self.headers, self.callback = status, body, headers or {}, callback


def ok(body, **headers):
    return Answer(200, body, headers)


def truncated(body):
    text = json.dumps(body).encode()
    return Answer(200, text[: len(text) // 2])


class StubServer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = {
                    "method": self.command,
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "headers": dict(self.headers),
                    "body": body,
                }
                with stub.lock:
                    stub.requests.append(request)
                    answers = stub.routes.get((self.command, parts.path)) or [Answer(404, {"error": "no route"})]
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer.callback:
                    answer = answer.callback(request)
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                for key, value in answer.headers.items():
                    self.send_header(key, str(value))
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def script(self, method, path, answers):
        with self.lock:
            self.routes[(method, path)] = list(answers)

    def calls(self, method=None, path=None):
        return [r for r in self.requests if (not method or r["method"] == method) and (not path or r["path"] == path)]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
