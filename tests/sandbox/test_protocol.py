"""Framing: round trips over sockets and pipes, big frames, truncation, bad payloads, deadlines."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time

import pytest

from toolgym.sandbox import protocol


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


def test_round_trip_over_socket(pair):
    a, b = pair
    message = {"op": "exec", "code": "print('héllo ✓')", "n": 3, "nested": {"x": [1, None, True]}}
    protocol.send_frame(a, message)
    protocol.send_frame(a.fileno(), {"op": "ping"})
    assert protocol.recv_frame(b) == message
    assert protocol.recv_frame(b.fileno(), time.monotonic() + 1) == {"op": "ping"}


def test_round_trip_over_pipe():
    r, w = os.pipe()
    try:
        protocol.send_frame(w, {"a": "b" * 100}, time.monotonic() + 1)
        assert protocol.recv_frame(r, time.monotonic() + 1) == {"a": "b" * 100}
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.parametrize("deadline", [None, 10.0])
def test_large_payload(pair, deadline):
    a, b = pair
    big = {"data": "x" * 5_000_000 + "é"}
    limit = None if deadline is None else time.monotonic() + deadline
    sender = threading.Thread(target=protocol.send_frame, args=(a, big, limit))
    sender.start()
    assert protocol.recv_frame(b, limit) == big
    sender.join()


def test_truncated_frame_raises(pair):
    a, b = pair
    a.sendall(struct.pack(">I", 100) + b'{"partial": ')
    a.close()
    with pytest.raises(protocol.ConnectionClosed, match="truncated payload"):
        protocol.recv_frame(b)


def test_truncated_header_and_clean_eof(pair):
    a, b = pair
    a.sendall(b"\x00\x00")
    a.shutdown(socket.SHUT_WR)
    with pytest.raises(protocol.ConnectionClosed, match="truncated header"):
        protocol.recv_frame(b)
    c, d = socket.socketpair()
    c.close()
    with pytest.raises(EOFError):
        protocol.recv_frame(d)
    d.close()


def test_deadline(pair):
    a, b = pair
    start = time.monotonic()
    with pytest.raises(protocol.FrameTimeout):
        protocol.recv_frame(b, start + 0.2)
    assert 0.19 <= time.monotonic() - start < 1.0
    # A frame whose payload stalls half-way also times out rather than blocking.
    a.sendall(struct.pack(">I", 10) + b'{"a"')
    with pytest.raises(TimeoutError):
        protocol.recv_frame(b, time.monotonic() + 0.1)


def test_send_deadline_when_peer_stops_reading(pair):
    a, _ = pair
    with pytest.raises(protocol.FrameTimeout):
        protocol.send_frame(a, {"data": "x" * 5_000_000}, time.monotonic() + 0.2)


def test_bad_payloads(pair):
    a, b = pair
    for payload in (b"[1, 2]", b"{not json", b"\xff\xfe"):
        a.sendall(struct.pack(">I", len(payload)) + payload)
        with pytest.raises(protocol.ProtocolError):
            protocol.recv_frame(b)
    a.sendall(struct.pack(">I", protocol.MAX_FRAME_BYTES + 1))
    with pytest.raises(protocol.ProtocolError, match="limit"):
        protocol.recv_frame(b)


def test_encode_decode_frame():
    frame = protocol.encode_frame({"k": "v"})
    assert frame[:4] == struct.pack(">I", len(frame) - 4)
    assert protocol.decode_frame(frame) == {"k": "v"}
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_frame(frame[:-1])
    # Lone surrogates are not UTF-8: they travel JSON-escaped and come back intact.
    assert protocol.decode_frame(protocol.encode_frame({"s": "a\udc80"})) == {"s": "a\udc80"}
