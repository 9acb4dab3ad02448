"""``LLMUser``: a user simulator backed by any OpenAI-compatible chat-completions endpoint.

The model plays the customer from the task's instruction (``gold["user"]["instruction"]``) and ends
the conversation with a stop signal. Model, temperature, seed and token budget are pinned in
:class:`LLMUserConfig`, because an unpinned user simulator is the largest source of noise in
τ-bench-style evaluations. Each reply has a total deadline (``timeout_s``, retries and backoff
included, so a trickling or hanging endpoint cannot hold a step past it), a size cap and bounded
retries with exponential backoff (via :class:`~toolgym.llm.client.ChatClient`); any failure,
including a reply of the wrong shape, is raised as :class:`~toolgym.errors.EndpointError`, which
the env turns into an ``infra_error``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from toolgym.errors import EndpointError
from toolgym.llm.client import ChatClient
from toolgym.users.base import UserSimulator, UserTurn
from toolgym.users.scripted import UserScript
from toolgym.users.signals import StopSignal, find_signal

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

SYSTEM_TEMPLATE = """You are a customer talking to a customer-service agent. Play the customer described below.

# Your situation
{instruction}

# What you know (say each only when the agent asks for it)
{facts}

# Rules
- Write one short message at a time, in your own words, as the customer. Never play the agent.
- Reveal information only when the agent asks for it. Never invent facts that are not above.
- When the agent asks you to confirm an action, answer as your situation says.
- When everything you wanted is done (or cannot be done), end with {stop} on its own.
- If the agent transfers you to a human agent, reply with {transfer}.
- If the agent asks about something your situation does not cover, reply with {out_of_scope}."""


@dataclass(frozen=True)
class LLMUserConfig:
    """Everything that determines an LLM user's behaviour, pinned for reproducibility."""

    base_url: str
    model: str
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 512
    #: Total seconds one user reply may take, retries included.
    timeout_s: float = 30.0
    max_retries: int = 2
    backoff_s: float = 0.5
    api_key: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LLMUserConfig":
        """Build from keyword data (``gym.make(..., user_config={...})``), rejecting unknown keys."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown LLMUserConfig keys: {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """The config without the API key (safe to log)."""
        return {k: v for k, v in asdict(self).items() if k != "api_key"}


class LLMUser(UserSimulator):
    """A model-played customer; one conversation (message history) per ``reset``."""

    name = "llm"

    def __init__(self, config: LLMUserConfig) -> None:
        self.config = config
        params: dict[str, Any] = {"temperature": config.temperature, "max_tokens": config.max_tokens}
        if config.seed is not None:
            params["seed"] = config.seed
        self.client = ChatClient(
            config.base_url,
            config.model,
            api_key=config.api_key,
            timeout_s=config.timeout_s,
            max_retries=config.max_retries,
            backoff_s=config.backoff_s,
            default_params=params,
        )
        self._messages: list[dict[str, str]] = []

    @property
    def messages(self) -> list[dict[str, str]]:
        """The conversation as the user model sees it (agent = ``user`` role, customer = ``assistant``)."""
        return list(self._messages)

    def reset(self, task: "Task") -> str:
        script = UserScript.from_task(task)
        facts = "\n".join(f"- {f.say}" for f in script.facts) or "- (nothing beyond your situation)"
        system = SYSTEM_TEMPLATE.format(
            instruction=script.instruction,
            facts=facts,
            stop=StopSignal.STOP.value,
            transfer=StopSignal.TRANSFER.value,
            out_of_scope=StopSignal.OUT_OF_SCOPE.value,
        )
        self._messages = [{"role": "system", "content": system}, {"role": "assistant", "content": task.question}]
        return task.question

    def respond(self, agent_message: str) -> UserTurn:
        if not self._messages:
            raise RuntimeError("LLMUser.reset(task) must be called first")
        self._messages.append({"role": "user", "content": agent_message})
        message = self.client.chat(self._messages)
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise EndpointError(f"{self.config.base_url}: the user model returned no message text")
        self._messages.append({"role": "assistant", "content": content})
        return UserTurn(content.strip(), find_signal(content))

    def close(self) -> None:
        self.client.close()
