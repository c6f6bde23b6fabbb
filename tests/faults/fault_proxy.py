"""A fault-injecting proxy on loopback, in front of kube-apiserver, Prometheus or MLflow (docs/guarantees.md).

FaultProxy(target_port) listens on 127.0.0.1 (an ephemeral port: .port, .url) and forwards each accepted
connection to 127.0.0.1:target_port, unless the fault in force says otherwise. The test changes the fault
at any time with set(); it applies to connections accepted from then on (and, for "cut", to open ones).

Faults (each counted in .fired[kind] when it hits a connection):
  None          forward untouched
  "latency"     wait `delay` seconds before forwarding (per connection)
  "reset"       accept and close at once with a TCP RST (SO_LINGER 0)
  "status"      answer `status` (429, 500, 503, ...) to the HTTP request, without the backend; 429 and
                503 carry Retry-After: 1. HTTP backends only (Prometheus, MLflow): not through TLS.
  "garbage"     answer 200 with `body` (default: a malformed body), without the backend. HTTP only.
  "cut"         forward, then cut the connection (RST) after `after` seconds: truncates long requests
                and watch streams; works through TLS (kube-apiserver)
`probability` (0..1) makes a fault hit only that share of connections (the rest are forwarded), and
`kinds` a list of several faults drawn at random per connection (the soak test's mix).
Only the standard library; threads, no asyncio, so a test drives it from plain code."""
import random
import select
import socket
import struct
import threading
import time

MALFORMED_BODIES = [
    b'{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.0',  # cut short
    b"\x00\xff\xfe garbage \x80",
    b'{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"not-a-number"]}]}}',
    b'{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":"0.0"}]}}',
    b'{"status":"success","data":{"resultType":"scalar","result":[1,"0.0"]},"extra":' + b"[" * 2000,
    b"<html>502 Bad Gateway</html>",
    b'{"model_version":5}',
    b"null",
]


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1", record=False):
        """record: read each forwarded connection's first HTTP request and keep it in .forwarded
        (method, path, body) before forwarding it: what reached the backend (plain HTTP backends whose
        clients open a connection per request, as the operator's MLflow client does)."""
        self.target = (target_host, target_port)
        self.record = record
        self.forwarded = []
        self.lock = threading.Lock()
        self.fault = None
        self.options = {}
        self.fired = {}
        self.connections = 0
        self.rng = random.Random(0xA71A)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.open = set()
        self.closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    # --- control -------------------------------------------------------------------------------
    def set(self, fault=None, **options):
        """fault: None, "latency", "reset", "status", "garbage", "cut", or "mix" with kinds=[...]."""
        with self.lock:
            self.fault, self.options = fault, options
        if fault == "cut":
            self.cut_open(options.get("after", 0.5))

    def cut_open(self, after=0.0):
        """Cuts every connection open now (a watch stream truncated, a request lost mid-flight)."""
        conns = list(self.open)
        with self.lock:
            if conns:
                self.fired["cut"] = self.fired.get("cut", 0) + len(conns)
        for conn in conns:
            self._cut_later(conn, after)

    def clear(self):
        self.set(None)

    def counts(self):
        with self.lock:
            return dict(self.fired)

    def close(self):
        self.closed = True
        try:
            self.listener.close()
        except OSError:
            pass
        for conn in list(self.open):
            self._rst(conn)

    # --- machinery -----------------------------------------------------------------------------
    def _choose(self):
        with self.lock:
            fault, options = self.fault, dict(self.options)
            self.connections += 1
            if fault is None:
                return None, options
            if self.rng.random() >= options.get("probability", 1.0):
                return None, options
            if fault == "mix":
                fault = self.rng.choice(options["kinds"])
            self.fired[fault] = self.fired.get(fault, 0) + 1
            return fault, options

    def _accept_loop(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _rst(conn):
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        except OSError:
            pass

    def _cut_later(self, conn, after):
        timer = threading.Timer(after, self._rst, args=(conn,))
        timer.daemon = True
        timer.start()

    @staticmethod
    def _read_request(conn):
        data = b""
        conn.settimeout(5)
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return data
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip() or 0)
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
        except (OSError, ValueError):
            pass
        return data

    @staticmethod
    def _answer(conn, status, body, extra=b""):
        reason = {200: b"OK", 429: b"Too Many Requests", 500: b"Internal Server Error",
                  502: b"Bad Gateway", 503: b"Service Unavailable"}.get(status, b"Error")
        head = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n%s\r\n" % (
            status, reason, len(body), extra)
        try:
            conn.sendall(head + body)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        conn.close()

    def _serve(self, client):
        fault, options = self._choose()
        if fault == "reset":
            self._read_request(client) if options.get("after_request") else None
            return self._rst(client)
        if fault == "status":
            self._read_request(client)
            status = options.get("status", 503)
            if "statuses" in options:
                status = self.rng.choice(options["statuses"])
            extra = b"Retry-After: 1\r\n" if status in (429, 503) else b""
            return self._answer(client, status, b'{"error":"injected %d"}' % status, extra)
        if fault == "garbage":
            self._read_request(client)
            body = options.get("body") or self.rng.choice(options.get("bodies", MALFORMED_BODIES))
            return self._answer(client, 200, body)
        if fault == "latency":
            time.sleep(options.get("delay", 1.0))
        first = self._read_request(client) if self.record else b""
        try:
            upstream = socket.create_connection(self.target, timeout=5)
            if first:
                upstream.sendall(first)
        except OSError:
            return self._rst(client)
        if first:
            head, _, body = first.partition(b"\r\n\r\n")
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            with self.lock:
                self.forwarded.append((parts[0].decode(errors="replace"),
                                       parts[1].decode(errors="replace") if len(parts) > 1 else "",
                                       body.decode(errors="replace")))
        self.open.add(client)
        if fault == "cut":
            self._cut_later(client, options.get("after", 0.5))
        self._pipe(client, upstream)
        self.open.discard(client)

    @staticmethod
    def _pipe(a, b):
        """Forwards both ways until either side ends (clients here never half-close)."""
        a.settimeout(None)
        b.settimeout(None)
        peer = {a: b, b: a}
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 60)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    peer[s].sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass
