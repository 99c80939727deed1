#!/usr/bin/python3
import http.server, itertools, json, os, sys
port, d, status = int(sys.argv[1]), sys.argv[2], int((sys.argv[3:] or [200])[0])
n = itertools.count(1)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        p = os.path.join(d, "%04d.json" % next(n))
        with open(p + ".tmp", "w") as f:   # rename: readers never see half a file
            json.dump({"method": self.command, "path": self.path, "headers": dict(self.headers),
                       "body": body.decode("utf-8", "replace")}, f)
        os.rename(p + ".tmp", p)
        self.send_response(status); self.send_header("Content-Length", "3"); self.end_headers()
        self.wfile.write(b"ok\n")
    do_GET = do_PUT = do_POST
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
