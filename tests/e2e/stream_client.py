#!/usr/bin/python3
"""A TCP client of `telemine stream` for the tests and the benchmark.

stream_client.py PORT FILE [--cut BYTES] [--garbage]
  sends FILE's bytes to 127.0.0.1:PORT, closes its sending side and prints every reply line
  (`ack N`, `error L: ...`) until the server closes the connection.
  --cut BYTES: sends only the first BYTES bytes and closes its side mid-line (a clean close:
             a reset would let the kernel drop what the server had not read yet; --garbage
             tests resets).
  --garbage: sends random bytes, then resets the connection (no reply read).
"""
import os
import socket
import sys


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    data = open(path, "rb").read()
    s = socket.create_connection(("127.0.0.1", port))
    if "--garbage" in sys.argv:
        s.sendall(os.urandom(200000))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # linger 0: a reset
        return
    if "--cut" in sys.argv:
        data = data[: int(sys.argv[sys.argv.index("--cut") + 1])]
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    sys.stdout.write(buf.decode())


main()
