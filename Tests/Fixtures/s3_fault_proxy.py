#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of an S3 server, for Lifeboat's tests (loopback only).

Forwards every request to --upstream unchanged, except that the first --fail-parts attempts of
each multipart part upload (PUT …?partNumber=N&uploadId=…) and the first --fail-ranged-gets
attempts of each ranged GET are answered with HTTP 500 and S3's XML `InternalError`, as a real
S3 does now and then. Prints the port it listens on as its first line of standard output, then
one line per injected failure ("injected 500 PUT part 2"), so a test can tell that faults were
really met. moto checks no signatures by default, so the Host header the client signed (this
proxy's) does not matter.
"""
import argparse
import http.client
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the S3 server")
    parser.add_argument("--fail-parts", type=int, default=0)
    parser.add_argument("--fail-ranged-gets", type=int, default=0)
    options = parser.parse_args()
    upstream = urlsplit(options.upstream)
    attempts = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return bytes(data)
                    data += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def fault(self, name, allowed):
            """Whether this attempt of request `name` gets a 500 (counted per request)."""
            if allowed <= 0:
                return False
            with lock:
                attempts[name] = attempts.get(name, 0) + 1
                return attempts[name] <= allowed

        def handle_any(self):
            body = self.body()
            query = parse_qs(urlsplit(self.path).query)
            path = urlsplit(self.path).path
            failing = False
            if self.command == "PUT" and "partNumber" in query and "uploadId" in query:
                failing = self.fault(("PUT", path, query["partNumber"][0]), options.fail_parts)
                label = "PUT part " + query["partNumber"][0]
            elif self.command == "GET" and self.headers.get("Range"):
                failing = self.fault(("GET", path, self.headers["Range"]), options.fail_ranged_gets)
                label = "GET " + self.headers["Range"]
            if failing:
                print("injected 500 " + label, flush=True)
                payload = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>" \
                          b"<Message>We encountered an internal error. Please try again.</Message></Error>"
                self.send_response(500)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                               headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                # A HEAD answer's Content-Length is the object's size: passed on as it is.
                if key.lower() not in HOP_BY_HOP and (key.lower() != "content-length" or self.command == "HEAD"):
                    self.send_header(key, value)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            connection.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
