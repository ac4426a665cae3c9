"""The tests' live server itself: a browser that hangs up mid-request must not leak the
file it was being sent, or the garbage collector fails some later, innocent test."""
import gc
import socket
import struct
import time

from flask import Flask, send_file

from tests.support.fixtures import LiveServer


def test_a_reset_connection_leaves_no_file_open(tmp_path):
    page = tmp_path / "logo.svg"
    page.write_text("<svg/>")
    app = Flask(__name__)
    app.add_url_rule("/logo.svg", view_func=lambda: send_file(page))
    served = LiveServer(app)
    try:
        with socket.create_connection(("127.0.0.1", served.server.server_port)) as client:
            # A body is promised but only partly sent: after answering, the server waits
            # to drain it, and the reset below reaches it inside that wait.
            client.sendall(b"GET /logo.svg HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial")
            answer = b""
            while b"<svg/>" not in answer:
                answer += client.recv(4096)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.3)
        gc.collect()
    finally:
        served.stop()
    assert answer.startswith(b"HTTP/1.1 200")
