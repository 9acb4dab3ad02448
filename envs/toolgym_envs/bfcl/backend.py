"""BFCL's multi-turn API classes, run inside a ToolGym sandbox, and graded turn by turn as BFCL does.

BFCL's API classes (``GorillaFileSystem``, ``TwitterAPI``, ``TradingBot``...) are plain Python, but
not safe in the env's process: ``MathAPI.logarithm`` sets ``mpmath.mp.dps`` for the whole process
from the policy's argument, and ``MathAPI.power`` computes any integer power exactly. So the
instances live in a sandbox (a persistent interpreter with a wall-clock and a memory limit): one set
for the policy, one for the ground truth, both loaded from the case's initial configuration. The
host sends JSON only; the sandbox never ``eval``s text from the policy or from the gold (ground-truth
call strings are parsed with :mod:`ast` on the host, see :func:`parse_call`).

After every user turn whose ground truth is not empty, the turn passes when (BFCL's rules)

1. the policy made at least one call during the turn;
2. every instance's public attributes equal the ground-truth instance's after the ground truth's
   calls of the turn ran;
3. the ground truth's results of the turn are a sub-multiset of all the policy's results so far.

The sandbox starts on the first call, so an episode without calls never starts one.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any, Callable

from toolgym.errors import SandboxError
from toolgym.sandbox.base import Sandbox, SandboxLimits
from toolgym.types import ExecResult

#: Runs once per episode in the sandbox (after a reset): makes both instance sets and the helpers.
_PROGRAM = r'''
import copy as _copy, importlib as _importlib, inspect as _inspect, json as _json
_SPEC = _json.loads(%(spec)r)

def _instances():
    out = {}
    for name, module in _SPEC["classes"].items():
        inst = getattr(_importlib.import_module(module), name)()
        if name not in _SPEC["stateless"]:
            inst._load_scenario(_copy.deepcopy(_SPEC["config"].get(name, {})), long_context=_SPEC["long_context"])
        out[name] = inst
    return out

def _methods(instances):
    table = {}
    for inst in instances.values():
        for name, method in _inspect.getmembers(inst, predicate=_inspect.ismethod):
            if not name.startswith("_"):
                table[name] = method
    return table

def _render(value):
    if type(value) is str:
        return value
    if type(value) is dict:
        try:
            return _json.dumps(value)
        except Exception:
            return str(value)
    return str(value)

def _run(table, name, args, kwargs):
    try:
        if name not in table:
            raise AttributeError(f"no function named {name!r}")
        return _render(table[name](*args, **kwargs))
    except Exception as exc:
        return f"Error during execution: {exc}"

_MODEL, _GOLD = _instances(), _instances()
_MODEL_FNS, _GOLD_FNS = _methods(_MODEL), _methods(_GOLD)
_MODEL_RESULTS = []

def _policy_call(request):
    name, kwargs = _json.loads(request)
    result = _run(_MODEL_FNS, name, [], kwargs)
    _MODEL_RESULTS.append(result)
    print(_json.dumps({"result": result[:2500]}))

def _end_turn(request):
    gold = [_run(_GOLD_FNS, n, a, k) for n, a, k in _json.loads(request)]
    state = []
    for cls, truth in _GOLD.items():
        mine = _MODEL[cls]
        for attr in vars(truth):
            if not attr.startswith("_") and getattr(mine, attr, object()) != getattr(truth, attr):
                state.append(f"{cls}.{attr}")
    left, missing = list(_MODEL_RESULTS), []
    for item in gold:
        if item in left:
            left.remove(item)
        else:
            missing.append(item[:200])
    print(_json.dumps({"state_diff": state[:5], "missing_results": missing[:5]}))
print("ready")
'''

#: Wall-clock limit of one call in the sandbox, seconds.
CALL_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class TurnVerdict:
    """How one user turn was graded: passed, and why not."""

    passed: bool
    reason: str = ""


class BackendLost(Exception):
    """The sandbox lost the instances (the policy's call ran out of time or memory)."""

    def __init__(self, result: ExecResult) -> None:
        super().__init__(result.stderr[-300:] or str(result.error_kind))
        self.result = result


def parse_call(text: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``(name, positional args, keyword args)`` of a ground-truth call string such as
    ``"mv(source='a.txt', destination='tmp')"``; literals only (``ValueError`` otherwise).

    >>> parse_call("sort('final_report.pdf')")
    ('sort', ['final_report.pdf'], {})
    """
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"not a call: {text!r}") from exc
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ValueError(f"not a plain function call: {text!r}")
    if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
        raise ValueError(f"unpacking in a ground-truth call: {text!r}")
    return node.func.id, [_literal(a) for a in node.args], {k.arg: _literal(k.value) for k in node.keywords}


def _literal(node: ast.AST) -> Any:
    value = ast.literal_eval(node)
    return list(value) if isinstance(value, tuple) else value


class BFCLBackend:
    """One episode's instances in a sandbox: policy calls, and the per-turn grading."""

    def __init__(self, sandbox_factory: Callable[[], Sandbox]) -> None:
        self._factory = sandbox_factory
        self._sandbox: Sandbox | None = None
        self._spec: dict[str, Any] | None = None
        self._ready = False
        self.used = False

    def begin(self, spec: dict[str, Any]) -> None:
        """Start an episode (lazily: the sandbox is prepared on the first call)."""
        self._spec = spec
        self._ready = False
        self.used = False

    def call(self, name: str, arguments: dict[str, Any]) -> str:
        """Run one policy call; its result as BFCL renders it. Raises :class:`BackendLost` when the
        call killed the interpreter (its state is gone) and :class:`SandboxError` on infra faults."""
        self._prepare()
        result = self._exec(f"_policy_call({json.dumps([name, arguments])!r})")
        return json.loads(result.stdout.strip().splitlines()[-1])["result"]

    def end_turn(self, ground_truth: list[str]) -> TurnVerdict:
        """Run the turn's ground-truth calls on their own instances and compare (module docstring)."""
        calls = [list(parse_call(c)) for c in ground_truth]
        self._prepare()
        result = self._exec(f"_end_turn({json.dumps(calls)!r})")
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if report["state_diff"]:
            return TurnVerdict(False, f"state differs: {', '.join(report['state_diff'][:5])}")
        if report["missing_results"]:
            return TurnVerdict(False, f"missing results: {report['missing_results'][:2]}")
        return TurnVerdict(True)

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    # ------------------------------------------------------------------ internals
    def _prepare(self) -> None:
        if self._ready:
            return
        if self._spec is None:
            raise SandboxError("no episode started")
        if self._sandbox is None:
            self._sandbox = self._factory()
        elif self.used:
            self._sandbox.reset()
        self.used = True
        result = self._sandbox.exec(_PROGRAM % {"spec": json.dumps(self._spec)}, timeout=60.0)
        if not result.ok or "ready" not in result.stdout:
            raise SandboxError(f"the BFCL classes did not load in the sandbox: {result.stderr[-500:]}")
        self._ready = True

    def _exec(self, code: str) -> ExecResult:
        assert self._sandbox is not None
        result = self._sandbox.exec(code, timeout=CALL_TIMEOUT_S)
        if result.error_kind in ("timeout", "memory", "crashed"):
            self._ready = False
            raise BackendLost(result)
        if result.error_kind == "infra":
            raise SandboxError(f"the sandbox failed: {result.stderr[-300:]}")
        if not result.ok:
            raise SandboxError(f"the BFCL helper failed: {result.stderr[-500:]}")
        return result


def default_limits() -> SandboxLimits:
    """Limits for the BFCL sandbox: 5 s per call, 1 GiB."""
    return SandboxLimits(timeout_s=CALL_TIMEOUT_S, memory_bytes=1024**3)
