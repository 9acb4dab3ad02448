"""The direct channel to a container's supervisor (toolgym.sandbox.direct): who may connect, when
it gives up, what is left behind; and, against a real engine, that containers use it."""

from __future__ import annotations

import os
import socket
import time

import pytest

from toolgym.sandbox import protocol
from toolgym.sandbox.attach import AttachChannel
from toolgym.sandbox.containers import ContainerSettings, docker_api, start_container
from toolgym.sandbox.direct import MOUNT_POINT, Rendezvous, SocketChannel, engine_is_local
from toolgym.sandbox.reaper import remove_container

OTHER_UID = 54321


def connect_as(uid: int, path: str) -> int:
    """Fork a child that connects to ``path`` as ``uid`` and waits for the host to hang up."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setuid(uid)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            sock.recv(1)
            code = 0
        finally:
            os._exit(code)
    return pid


def host_path(meeting: Rendezvous) -> str:
    return os.path.join(meeting.bind()[0], "host.sock")


def quiet_attach() -> tuple[AttachChannel, socket.socket]:
    """An attach stream (a real socket) whose container side writes nothing yet."""
    ours, theirs = socket.socketpair()
    return AttachChannel(ours), theirs


@pytest.mark.skipif(os.geteuid() != 0, reason="connecting as another uid needs root")
def test_only_the_containers_uid_is_accepted_and_the_directory_is_gone_after():
    meeting = Rendezvous(uid=OTHER_UID)
    path, directory = host_path(meeting), meeting.bind()[0]
    attach, _theirs = quiet_attach()
    intruder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    intruder.connect(path)  # this process's uid (root): refused, the wait goes on
    child = connect_as(OTHER_UID, path)
    conn = meeting.accept(time.monotonic() + 10, attach)
    assert intruder.recv(1) == b""  # the host hung up on the intruder
    assert not os.path.exists(directory)  # listener closed, directory deleted
    conn.close()
    assert os.waitpid(child, 0)[1] == 0


def test_gives_up_at_the_deadline_and_when_the_container_exits():
    with Rendezvous(uid=OTHER_UID) as meeting:
        attach, _theirs = quiet_attach()
        start = time.monotonic()
        with pytest.raises(protocol.FrameTimeout):
            meeting.accept(time.monotonic() + 0.3, attach)
        assert 0.25 < time.monotonic() - start < 2
    with Rendezvous(uid=OTHER_UID) as meeting:
        attach, theirs = quiet_attach()
        theirs.close()  # the container exited before connecting
        start = time.monotonic()
        with pytest.raises(protocol.ConnectionClosed):
            meeting.accept(time.monotonic() + 30, attach)
        assert time.monotonic() - start < 2


def test_engine_is_local():
    assert engine_is_local("") and engine_is_local("unix:///var/run/docker.sock")
    assert not engine_is_local("tcp://10.0.0.2:2376") and not engine_is_local("ssh://user@host")


def test_containers_use_the_direct_channel_and_it_ends_with_the_host(docker_engine):
    api = docker_api()
    started = start_container(api, ContainerSettings())
    try:
        assert isinstance(started.channel, SocketChannel)
        started.channel.send({"op": "exec", "code": "print(6 * 7)", "max_output": 100, "timeout": 5}, time.monotonic() + 30)
        reply = started.channel.recv(time.monotonic() + 30)
        assert reply["stdout"] == "42\n" and reply["error_kind"] is None
        started.channel.close()  # hanging up ends the supervisor, and auto-remove the container
        deadline = time.monotonic() + 30
        while any(c["Id"] == started.id for c in api.containers(all=True)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(c["Id"] == started.id for c in api.containers(all=True))
    finally:
        started.channel.close()
        remove_container(api, started.id)


def test_attach_only_when_asked(docker_engine):
    api = docker_api()
    started = start_container(api, ContainerSettings(direct=False))
    try:
        assert isinstance(started.channel, AttachChannel)
        started.channel.send({"op": "exec", "code": f"import os; print(os.path.exists({MOUNT_POINT!r}))",
                              "max_output": 100, "timeout": 5}, time.monotonic() + 30)
        assert started.channel.recv(time.monotonic() + 30)["stdout"] == "False\n"
    finally:
        started.channel.close()
        remove_container(api, started.id)


def test_a_direct_socket_that_fails_falls_back_to_attach_once(docker_engine, monkeypatch):
    from toolgym.sandbox import containers

    monkeypatch.setattr(containers, "_DIRECT_FAILED", set())
    # The supervisor cannot reach the socket (as where the engine cannot see this machine's /tmp):
    # it exits at start, and the container is started again on the attach stream.
    monkeypatch.setattr(Rendezvous, "socket_path_inside", "/nonexistent/host.sock")
    api = docker_api()
    with pytest.warns(RuntimeWarning, match="direct socket failed"):
        started = start_container(api, ContainerSettings())
    try:
        assert isinstance(started.channel, AttachChannel)
        started.channel.send({"op": "exec", "code": "print(2)", "max_output": 100, "timeout": 5}, time.monotonic() + 30)
        assert started.channel.recv(time.monotonic() + 30)["stdout"] == "2\n"
    finally:
        started.channel.close()
        remove_container(api, started.id)
    again = start_container(api, ContainerSettings())  # no second try, no second warning
    try:
        assert isinstance(again.channel, AttachChannel)
    finally:
        again.channel.close()
        remove_container(api, again.id)
