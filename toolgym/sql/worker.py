"""The engine worker: one child process per SQL engine, holding the real database connection.

Started by :class:`toolgym.sql.process.EngineProcess` as ``python -P worker.py CONFIG_JSON``. It
loads :mod:`toolgym.sql.local` by file path (standard library and DuckDB only, no ``toolgym``
import), opens the database read-only, then caps its own address space with ``RLIMIT_AS`` at
*what it uses once open* + ``memory_limit_mb``, so a query that builds a huge string fails with an
out-of-memory error inside this process (or kills only this process), never the host.

Protocol, over the pipes the host gave it as stdin/stdout (moved to private descriptors at start;
fds 0 and 1 then point to ``/dev/null`` so nothing a library prints can corrupt a frame): frames of a
4-byte big-endian length and a pickle. The worker first sends ``("ready", info)`` or
``("err", "infra", message, True)``; then for each ``("query", sql, max_rows, timeout_s)`` it sends
``("ok", columns, rows, truncated)`` or ``("err", kind, message, restart)``, where ``kind`` is a
:class:`toolgym.failures.FailureKind` value and ``restart`` asks the host for a fresh worker.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import resource
import struct
import sys
from pathlib import Path
from typing import Any

HEADER = struct.Struct(">I")


def _load_local() -> Any:
    """:mod:`toolgym.sql.local`, loaded from this file's folder without importing the package."""
    spec = importlib.util.spec_from_file_location("_toolgym_sql_local", Path(__file__).with_name("local.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _read_frame(fd: int) -> bytes | None:
    """The next request's payload, or ``None`` when the host closed the pipe.

    The host sends one frame and waits for the reply, so a read never runs into the next frame.
    """
    buf = bytearray()
    need = HEADER.size
    while len(buf) < need:
        chunk = os.read(fd, max(need - len(buf), 1 << 16))
        if not chunk:
            return None
        buf += chunk
        if need == HEADER.size and len(buf) >= HEADER.size:
            need += HEADER.unpack_from(buf)[0]
    return bytes(buf[HEADER.size:])


def _write_frame(fd: int, data: bytes) -> None:
    """One frame: the length, then the bytes (one write when small; a large reply is not copied)."""
    header = HEADER.pack(len(data))
    for part in ([header + data] if len(data) < 1 << 16 else [header, data]):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _send(fd: int, message: tuple[Any, ...]) -> None:
    _write_frame(fd, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _vm_bytes() -> int:
    """This process's current virtual size (``VmSize``), in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def _private_stdio() -> tuple[int, int]:
    """Move the protocol pipes off fds 0/1 and point those at ``/dev/null``."""
    rfd, wfd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    return rfd, wfd


def serve(config: dict[str, Any], rfd: int, wfd: int) -> int:
    """Open the database, cap memory, answer queries until the host closes the pipe."""
    try:
        local = _load_local()
        cls = {"duckdb": local.LocalDuckDB, "sqlite": local.LocalSQLite}[config["dialect"]]
        engine = cls(config["path"], int(config["memory_limit_mb"]))
        info = {"schema": engine.schema(), "foreign_keys": engine.foreign_keys(), "pid": os.getpid()}
        limit = _vm_bytes() + int(config["memory_limit_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        info["address_space_limit"] = limit
    except Exception as exc:  # noqa: BLE001 - reported to the host, which makes it DatabaseUnavailable
        _send(wfd, ("err", "infra", f"cannot open {config.get('path')!r}: {type(exc).__name__}: {exc}", True))
        return 2
    _send(wfd, ("ready", info))
    max_reply = int(config["max_reply_bytes"])
    while True:
        body = _read_frame(rfd)
        if body is None:
            return 0
        _, sql, max_rows, timeout_s = pickle.loads(body)
        restart = False
        try:
            got = engine.run(sql, max_rows, timeout_s)
            reply = pickle.dumps(("ok", got.columns, got.rows, got.truncated), protocol=pickle.HIGHEST_PROTOCOL)
            if len(reply) > max_reply:
                del reply
                raise local.QueryError("output_limit", f"The result is larger than {max_reply // 2**20} MiB; "
                                       "select fewer or shorter values.")
        except local.QueryError as exc:
            restart = exc.kind == "exception" and "failed on this query" in str(exc)
            reply = pickle.dumps(("err", exc.kind, str(exc), restart))
        except MemoryError:
            reply = pickle.dumps(("err", "memory", "Query stopped: its result needed more memory than allowed.", False))
        except Exception as exc:  # noqa: BLE001 - a value pickle cannot carry, or a bug: the query fails
            reply = pickle.dumps(("err", "exception", f"The result could not be returned: {type(exc).__name__}", True))
            restart = True
        _write_frame(wfd, reply)
        del reply
        if restart:
            return 3


def main() -> int:
    rfd, wfd = _private_stdio()
    return serve(json.loads(sys.argv[1]), rfd, wfd)


if __name__ == "__main__":
    sys.exit(main())
