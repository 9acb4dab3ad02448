"""``CustomerServiceEnv``: a multi-turn env where the policy serves a simulated user with domain tools.

Each step the policy either calls tools (the observation is their results) or writes a message
to the user (the observation is the user's answer). The episode ends when the user sends a stop
signal, when the user simulator fails (``infra_error``), or when the turn budget runs out. The
reward is τ-bench's (see :mod:`toolgym.apis.reward`). Every episode works on its own fresh copy
of the domain database, in process by default or through the HTTP service with ``api_url``.

Messages to the user are written as plain text or inside ``<answer>...</answer>``; in a turn that
calls tools, any message is not delivered (the observation says so).
"""

from __future__ import annotations

from typing import Any, Sequence

from toolgym.apis.backend import ApiBackend, local_backend
from toolgym.apis.client import http_backend
from toolgym.apis.domain import Domain, get_domain
from toolgym.apis.episode import ApiTool, EpisodeApi
from toolgym.apis.reward import TauReward
from toolgym.env import ToolEnv, Transition
from toolgym.failures import Blame
from toolgym.errors import EndpointError, TaskValidationError
from toolgym.parsers import ToolCallParser
from toolgym.parsers.base import finish_parse
from toolgym.tasks import Task, TaskSet
from toolgym.tools.base import Tool
from toolgym.types import ParseResult
from toolgym.users import LLMUserConfig, UserScript, UserSimulator, make_user
from toolgym.users.signals import StopSignal

#: The parser's complaint for text with neither a call nor an answer: here, a plain message.
PLAIN_TEXT = finish_parse("", [], [], False, None).format_error

CONVERSATION_RULES = (
    "# Conversation\n\nYou are talking with a customer. Each of your turns either calls tools or "
    "writes one message to the customer, as plain text or inside <answer>...</answer>; a message "
    "written in a turn that calls tools is not delivered. Tool results and the customer's replies "
    "come back as the next message. The conversation ends when the customer leaves."
)
SPLITS = ("train", "test", "dev", "all")
UNDELIVERED = "\n(Note: your message to the customer was not delivered: a turn that calls tools sends no message.)"


def reply_of(parse: ParseResult) -> str | None:
    """The message a parsed action sends to the user, or ``None`` when it sends none."""
    if parse.calls:
        return None
    if parse.answers:
        return "\n".join(parse.answers)
    if parse.format_error in (None, PLAIN_TEXT) and parse.text.strip():
        return parse.text.strip()
    return None


def domain_tasks(domain: Domain, split: str) -> TaskSet:
    """The domain's tasks of ``split`` (``train``, ``test``, ``dev``) or all of them (``all``)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    tasks = domain.tasks()
    return tasks if split == "all" else tasks.split(split)


def make_backend(domain: Domain, api_url: str | None, sandbox: str | None = None) -> ApiBackend:
    """An HTTP client for ``api_url``; else, by ``sandbox`` (``$TOOLGYM_SANDBOX``, else local),
    sessions in the ``apis`` image's container or the in-process backend (shared per process)."""
    if api_url is not None:
        return http_backend(api_url)
    from toolgym.sandbox.selection import resolve_kind
    from toolgym.sandbox.services import APIS_IMAGE

    if resolve_kind(sandbox, APIS_IMAGE) == "docker":
        from toolgym.apis.sandboxed import SandboxedBackend

        return SandboxedBackend(domain)
    return local_backend(domain)


class CustomerServiceEnv(ToolEnv):
    """A domain's tools + a simulated user + the τ-bench reward, as a Gymnasium env.

    Tasks are ``tasks`` when given, else the domain's tasks of ``split``. ``user`` is
    ``"scripted"`` (offline, deterministic), ``"llm"`` (with ``user_config``: base_url, model,
    temperature, seed...) or a :class:`~toolgym.users.UserSimulator`. ``api_url`` sends tool calls
    to a running API service instead of the in-process backend. ``extra_tools`` (for example
    :class:`~toolgym.apis.simulated.SimulatedApiTool`) are offered beside the domain's tools.
    """

    def __init__(
        self,
        domain: Domain | str,
        tasks: TaskSet | Sequence[Task] | None = None,
        *,
        split: str = "train",
        user: str | UserSimulator = "scripted",
        user_config: LLMUserConfig | dict[str, Any] | None = None,
        api_url: str | None = None,
        extra_tools: Sequence[Tool] = (),
        parser: str | ToolCallParser = "hermes",
        max_turns: int = 30,
        max_tool_calls: int = 4,
        max_observation_chars: int = 8192,
        render_mode: str | None = None,
        sandbox: str | None = None,
    ) -> None:
        self.domain = get_domain(domain)
        self.api = EpisodeApi(make_backend(self.domain, api_url, sandbox))
        self.user = make_user(user, user_config)
        self.scorer = TauReward(self.api, reply_of)
        tools: list[Tool] = [ApiTool(spec, self.api) for spec in self.api.backend.specs]
        super().__init__(
            tasks if tasks is not None else domain_tasks(self.domain, split),
            [*tools, *extra_tools],
            parser=parser,
            rubric=self.scorer.rubric(),
            preamble=self.domain.policy,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )
        self._stop: StopSignal | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        obs, info = super().reset(seed=seed, options=options)
        self.api.reset()
        self._stop = None
        self.user.reset(self.task)
        return obs, info

    def step(self, action: Any) -> tuple[str, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = super().step(action)
        info["user_stop"] = self._stop.name if self._stop is not None else None
        return obs, reward, terminated, truncated, info

    def compose_system_prompt(self, preamble: str) -> str:
        """The base prompt (tools and call format, or native tools in chat mode), then the
        conversation rules; in chat mode the answer format is a plain message to the customer."""
        if self.native_tools:
            return f"{preamble.strip()}\n\nCall tools through the function-calling interface.\n\n{CONVERSATION_RULES}"
        return f"{super().compose_system_prompt(preamble)}\n\n{CONVERSATION_RULES}"

    def close(self) -> None:
        self.api.close()
        from toolgym.apis.sandboxed import SandboxedBackend

        if isinstance(self.api.backend, SandboxedBackend):
            self.api.backend.close()  # its container's lease; shared in-process/HTTP backends stay
        self.user.close()
        super().close()

    def _select_task(self, options: dict[str, Any] | None) -> Task:
        """The base selection, refusing tasks this env cannot play (before any state changes)."""
        task = super()._select_task(options)
        unknown = set(task.tools) - set(self.tools)
        if unknown:
            raise TaskValidationError(f"task {task.id!r} uses tools this env lacks: {sorted(unknown)}")
        UserScript.from_task(task)  # raises TaskValidationError naming the problem
        return task

    def _transition(self, parse: ParseResult) -> Transition:
        """Tool calls run; otherwise the message goes to the user, whose answer is the observation."""
        if parse.calls:
            results = self._run_calls(parse.calls)
            return Transition(results=results, feedback=UNDELIVERED if parse.answers else None)
        message = reply_of(parse)
        if message is None:
            return Transition(feedback=parse.format_error or "Write a message to the customer or call a tool.")
        if parse.format_error == PLAIN_TEXT:  # plain text is a well-formed message in this env
            parse.format_ok, parse.format_error = True, None
        try:
            turn = self.user.respond(message)
        except EndpointError as exc:
            return Transition(
                terminated=True,
                feedback="The customer is unavailable (user simulator failure); the conversation ends.",
                end_reason="infra",
                error=Blame.INFRA,
                error_message=f"user simulator failed: {exc}",
            )
        self._stop = turn.stop
        return Transition(terminated=turn.done, feedback=turn.text, end_reason="user_stop" if turn.done else None)
