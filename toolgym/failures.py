"""One failure taxonomy for every layer: sandbox results, tool results, ``info`` and the token stream.

Trainers drop ``infra_error`` samples instead of learning from them, so who is to blame for a failure
must follow from its *cause* and never from anything the policy can choose. Each
:class:`FailureKind` knows its :class:`Blame`:

* :attr:`Blame.POLICY` (``info["error"] == "tool_error"``): the policy's own text or code caused it:
  a malformed or unknown call, bad arguments, an exception, a timeout, a memory or output limit, a
  refused query, and also a crash of the interpreter that the policy's code brought about
  (``os._exit``, killing itself, closing its descriptors, corrupting its runtime).
* :attr:`Blame.INFRA` (``info["error"] == "infra_error"``): the cause is outside the policy's code:
  a container killed from outside, an engine, service or endpoint down, a bug of ours.

>>> FailureKind.TIMEOUT.blame is Blame.POLICY
True
>>> FailureKind.INFRA.blame.value
'infra_error'
>>> FailureKind("timeout") == "timeout"   # members are strings: logs and JSON stay plain
True
"""

from __future__ import annotations

from enum import Enum


class Blame(str, Enum):
    """Who a failure is charged to; the value is what ``info["error"]`` carries."""

    POLICY = "tool_error"
    INFRA = "infra_error"


class FailureKind(str, Enum):
    """Why a call or an episode step failed; :attr:`blame` follows from the kind alone."""

    #: The action contained something that looked like a call but could not be read.
    MALFORMED_CALL = "malformed_call"
    #: A call named a tool the env does not offer.
    UNKNOWN_TOOL = "unknown_tool"
    #: A call's arguments do not match the tool's JSON schema.
    INVALID_ARGUMENTS = "invalid_arguments"
    #: More calls in one turn than the env's per-turn budget; the extra calls were not run.
    CALL_BUDGET = "call_budget"
    #: The policy's code raised, or a tool refused its input as an error.
    EXCEPTION = "exception"
    #: The policy's code or query ran past its wall-clock limit.
    TIMEOUT = "timeout"
    #: The policy's code or query went past its memory limit.
    MEMORY = "memory"
    #: The output went past its size limit.
    OUTPUT_LIMIT = "output_limit"
    #: A query the tool refuses by policy (a write, a file read, several statements...).
    REFUSED = "refused"
    #: The policy's own code killed or corrupted its interpreter (``os._exit``, signals, closed fds).
    CRASHED = "crashed"
    #: Outside the policy: a sandbox killed from outside, a service or endpoint down, a bug of ours.
    INFRA = "infra"

    @property
    def blame(self) -> Blame:
        """:attr:`Blame.INFRA` for :attr:`INFRA` only; every other kind is the policy's."""
        return Blame.INFRA if self is FailureKind.INFRA else Blame.POLICY
