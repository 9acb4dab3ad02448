"""An agent backed by any OpenAI-compatible chat endpoint (vLLM, SGLang, OpenAI...)."""

from __future__ import annotations

from typing import Any

from toolgym.agents.base import Agent
from toolgym.env import ToolEnv
from toolgym.llm.client import ChatClient


class OpenAIAgent(Agent):
    """Sends the env's transcript as chat messages and returns the model's text."""

    name = "openai"

    def __init__(self, client: ChatClient, **params: Any) -> None:
        self.client = client
        self.params = params

    def act(self, env: ToolEnv, observation: str) -> str:
        message = self.client.chat(env.messages, **self.params)
        content = message.get("content")
        return content if isinstance(content, str) else ""

    def close(self) -> None:
        self.client.close()
