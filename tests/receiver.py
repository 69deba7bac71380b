"""A real HTTP endpoint on loopback that records webhook deliveries, and can fail or go away."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret: str, port: int = 0):
        self.secret = secret
        self.accepted: list[dict] = []  # verified and answered 2xx, in arrival order
        self.refused: int = 0
        self.fail_next = 0  # answer this many requests with a 503
        self._lock = threading.Lock()
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["content-length"]))
                headers = {k: v for k, v in self.headers.items()}
                with receiver._lock:
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        receiver.refused += 1
                        self.send_response(503)
                        self.end_headers()
                        return
                    try:
                        data = Webhook(receiver.secret).verify(raw, headers)
                    except WebhookVerificationError:
                        receiver.refused += 1
                        self.send_response(400)
                        self.end_headers()
                        return
                    receiver.accepted.append({"id": headers["webhook-id"], "type": data["type"], "data": data["data"]})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Go away: connections are refused until start() again, on the same port."""
        self._server.shutdown()
        self._server.server_close()

    def ids(self) -> list[str]:
        with self._lock:
            return [a["id"] for a in self.accepted]
