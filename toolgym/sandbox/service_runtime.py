"""In-container side of ToolGym's tool services: SQL, search and the simulated APIs.

A tool's container runs the same supervisor as the ``python`` sandbox (PID 1, a fresh interpreter
forked per user, limits, attached-stream protocol). The host does not send policy code: it sends
one line, ``import service_runtime as s; s.handle('<json request>')``, and this module (copied
into every image next to ``supervisor.py``) runs the request with ToolGym's own implementation and
prints one JSON reply. The policy's input (a query, API arguments) is data here, never code. What
the interpreter holds between calls (an open database, a loaded index, an API session's database)
is the user's state: the supervisor wipes it when the sandbox is reset or released.

Requests (``op``): ``sql.query``, ``sql.schema`` (:mod:`toolgym.sql.local`, loaded by file path:
standard library and DuckDB only), ``search`` (:class:`toolgym.search.bm25.BM25Retriever` on a
read-only index), ``api.open`` / ``api.call`` / ``api.hash`` / ``api.close`` (a
:class:`toolgym.apis.backend.LocalBackend` session: a private database per episode). Replies are
``{"ok": true, ...}`` or ``{"ok": false, "kind": ..., "message": ...}``. Values JSON cannot hold
(dates, decimals, bytes) travel tagged (:func:`encode_value`), never pickled: the host trusts
nothing from a container but JSON.

The ToolGym sources are at ``$TOOLGYM_SOURCE`` (``/opt/src``); their package ``__init__`` files,
which import the whole library, are skipped, so only what a service uses must be installed.

>>> decode_value(encode_value(__import__("decimal").Decimal("1.50")))
Decimal('1.50')
"""

from __future__ import annotations

import base64
import datetime
import decimal
import importlib.machinery
import importlib.util
import json
import math
import os
import sys
import traceback
import uuid
from typing import Any

SOURCE_ROOT = os.environ.get("TOOLGYM_SOURCE", "/opt/src")
#: Packages whose ``__init__`` is skipped inside the container (they import the whole library).
LEAN_PACKAGES = frozenset({
    "toolgym", "toolgym.apis", "toolgym.search", "toolgym.sql", "toolgym_envs", "toolgym_envs.retail",
    "toolgym_envs.travel", "toolgym_tasks",
})

_STATE: dict[str, Any] = {"sql": {}, "search": {}, "backends": {}, "sessions": {}, "next": 0}


# ------------------------------------------------------------------------------------ value codec
def encode_value(value: Any) -> Any:
    """``value`` as JSON, with a ``{"$t": type, "v": ...}`` tag for what JSON cannot hold."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return {"$t": "float", "v": repr(value)}
        return value
    if isinstance(value, (list, tuple)):
        return {"$t": "tuple", "v": [encode_value(v) for v in value]} if isinstance(value, tuple) else [
            encode_value(v) for v in value]
    if isinstance(value, dict):
        return {"$t": "dict", "v": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, decimal.Decimal):
        return {"$t": "decimal", "v": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$t": "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$t": "date", "v": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": "time", "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$t": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$t": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return {"$t": "uuid", "v": str(value)}
    return {"$t": "str", "v": str(value)}


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value` (unknown tags raise ``ValueError``)."""
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag, raw = value.get("$t"), value.get("v")
    decoders = {
        "float": float, "decimal": decimal.Decimal, "datetime": datetime.datetime.fromisoformat,
        "date": datetime.date.fromisoformat, "time": datetime.time.fromisoformat, "uuid": uuid.UUID,
        "str": str, "bytes": lambda v: base64.b64decode(str(v)),
        "timedelta": lambda v: datetime.timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
        "tuple": lambda v: tuple(decode_value(x) for x in v),
        "dict": lambda v: {decode_value(k): decode_value(x) for k, x in v},
    }
    if tag not in decoders:
        raise ValueError(f"unknown value tag {tag!r}")
    return decoders[tag](raw)


# ------------------------------------------------------------------------------- lean imports
class _LeanLoader(importlib.machinery.SourceFileLoader):
    """Loads a package without running its ``__init__`` (resources still resolve)."""

    def exec_module(self, module: Any) -> None:
        return None


class _LeanFinder:
    """Finds ToolGym's packages under :data:`SOURCE_ROOT`, skipping :data:`LEAN_PACKAGES`' inits."""

    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in LEAN_PACKAGES:
            return None
        folder = os.path.join(SOURCE_ROOT, *name.split("."))
        init = os.path.join(folder, "__init__.py")  # need not exist: it is never run
        if not os.path.isdir(folder):
            return None
        return importlib.util.spec_from_file_location(
            name, init, loader=_LeanLoader(name, init), submodule_search_locations=[folder])


def _lean_imports() -> None:
    if _LeanFinder not in sys.meta_path:
        sys.meta_path.insert(0, _LeanFinder)
        if SOURCE_ROOT not in sys.path:
            sys.path.append(SOURCE_ROOT)


# ------------------------------------------------------------------------------------ services
def _sql_local() -> Any:
    module = sys.modules.get("_toolgym_sql_local")
    if module is None:
        path = os.path.join(SOURCE_ROOT, "toolgym", "sql", "local.py")
        spec = importlib.util.spec_from_file_location("_toolgym_sql_local", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def _sql_connection(request: dict[str, Any]) -> Any:
    key = (request["dialect"], request["path"], int(request["memory_limit_mb"]))
    connection = _STATE["sql"].get(key)
    if connection is None:
        local = _sql_local()
        cls = local.LocalDuckDB if key[0] == "duckdb" else local.LocalSQLite
        connection = _STATE["sql"][key] = cls(key[1], key[2])
    return connection


def _sql_query(request: dict[str, Any]) -> dict[str, Any]:
    local = _sql_local()
    connection = _sql_connection(request)
    try:
        fetched = connection.run(request["sql"], int(request["max_rows"]), float(request["timeout_s"]))
    except local.QueryError as exc:
        return {"ok": False, "kind": str(getattr(exc.kind, "value", exc.kind)), "message": str(exc)}
    except MemoryError:
        return {"ok": False, "kind": "memory", "message": "Query stopped: its result needed more memory than allowed."}
    return {"ok": True, "columns": list(fetched.columns), "rows": [encode_value(tuple(r)) for r in fetched.rows],
            "truncated": bool(fetched.truncated)}


def _sql_schema(request: dict[str, Any]) -> dict[str, Any]:
    connection = _sql_connection(request)
    return {"ok": True, "schema": connection.schema(), "foreign_keys": connection.foreign_keys()}


def _search(request: dict[str, Any]) -> dict[str, Any]:
    _lean_imports()
    index = request["index"]
    retriever = _STATE["search"].get(index)
    if retriever is None:
        from toolgym.search.bm25 import BM25Retriever

        retriever = _STATE["search"][index] = BM25Retriever.load(index, backend=request.get("backend", "numpy"))
    hits = retriever.search_batch(list(request["queries"]), int(request["k"]))
    return {"ok": True, "hits": [[h.to_dict() for h in row] for row in hits]}


def _backend(target: str) -> Any:
    """The backend of the domain at ``target`` (``module:attribute``, resolved by the host: the
    container has no installed package, so no entry points to look names up in)."""
    backend = _STATE["backends"].get(target)
    if backend is None:
        _lean_imports()
        import importlib

        from toolgym.apis.backend import LocalBackend

        module, _, attribute = target.partition(":")
        backend = _STATE["backends"][target] = LocalBackend(getattr(importlib.import_module(module), attribute))
    return backend


def _api_open(request: dict[str, Any]) -> dict[str, Any]:
    session = _backend(request["domain"]).open_session()
    _STATE["next"] += 1
    name = str(_STATE["next"])
    _STATE["sessions"][name] = session
    return {"ok": True, "session": name}


def _session(request: dict[str, Any]) -> Any:
    session = _STATE["sessions"].get(str(request.get("session")))
    if session is None:
        raise LookupError(f"no API session {request.get('session')!r} in this container")
    return session


def _api_call(request: dict[str, Any]) -> dict[str, Any]:
    result = _session(request).call(request["name"], request.get("arguments"))
    kind = result.error_kind
    return {"ok": True, "result": {
        "ok": bool(result.ok), "content": result.content, "error_kind": None if kind is None else str(getattr(kind, "value", kind)),
        "latency_s": float(result.latency_s or 0.0), "metadata": encode_value(dict(result.metadata or {})),
    }}


def _api_hash(request: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "hash": _session(request).state_hash()}


def _api_close(request: dict[str, Any]) -> dict[str, Any]:
    session = _STATE["sessions"].pop(str(request.get("session")), None)
    if session is not None:
        session.close()
    return {"ok": True}


HANDLERS = {
    "sql.query": _sql_query, "sql.schema": _sql_schema, "search": _search,
    "api.open": _api_open, "api.call": _api_call, "api.hash": _api_hash, "api.close": _api_close,
}


def warm(spec: str) -> None:
    """Load what ``spec`` names before any request (``lean``, ``api:package.module:DOMAIN``); the
    supervisor's forks then inherit it. Failures are left for the first request to report."""
    for item in filter(None, spec.split(",")):
        kind, _, target = item.partition(":")
        try:
            if kind == "api":
                _backend(target)
            elif kind == "lean":
                _lean_imports()
        except Exception:  # noqa: BLE001, S110 - reported by the first real request instead
            pass


def handle(request_json: str) -> None:
    """Run one request and print its JSON reply on one line (the only output of the call)."""
    try:
        request = json.loads(request_json)
        handler = HANDLERS.get(request.get("op"))
        reply = handler(request) if handler else {"ok": False, "kind": "infra", "message": f"unknown op {request.get('op')!r}"}
    except MemoryError:
        reply = {"ok": False, "kind": "memory", "message": "the service ran out of memory"}
    except Exception as exc:  # noqa: BLE001 - a service bug is ours: reported as infra, never raised
        reply = {"ok": False, "kind": "infra", "message": f"{type(exc).__name__}: {exc}",
                 "traceback": traceback.format_exc(limit=8)}
    sys.stdout.write(json.dumps(reply, ensure_ascii=True, separators=(",", ":")) + "\n")
    sys.stdout.flush()


if os.environ.get("TOOLGYM_SERVICE_WARM"):
    warm(os.environ["TOOLGYM_SERVICE_WARM"])
