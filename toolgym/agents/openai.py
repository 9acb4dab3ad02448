"""An agent backed by any OpenAI-compatible chat endpoint (vLLM, SGLang, OpenAI...).

It speaks the chat protocol natively: each request carries the conversation as OpenAI messages
(assistant ``tool_calls``, ``role: "tool"`` results with ``tool_call_id``) and the env's tools as
``tools``; the reply's structured ``tool_calls`` (parallel calls included) run as they are, and a
reply whose content writes calls as text (Hermes ``<tool_call>`` blocks) goes through the env's
parser, so models served without a tool parser work too.
"""

from __future__ import annotations

from typing import Any

from toolgym.agents.base import Agent
from toolgym.env import ToolEnv
from toolgym.llm.client import ChatClient


class OpenAIAgent(Agent):
    """Sends the env's messages and tools; returns the model's assistant message as the action.

    ``send_tools=False`` leaves ``tools`` out of requests (for servers without function calling:
    the system prompt then teaches the env's text format instead).
    """

    name = "openai"

    def __init__(self, client: ChatClient, *, send_tools: bool = True, **params: Any) -> None:
        self.client = client
        self.send_tools = send_tools
        self.chat = send_tools
        self.params = params

    def act(self, env: ToolEnv, observation: Any) -> dict[str, Any]:
        extra = {"tools": env.tool_schemas} if self.send_tools and env.tools else {}
        message = self.client.chat(env.messages, **extra, **self.params)
        action: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
        if message.get("tool_calls"):
            action["tool_calls"] = message["tool_calls"]
        return action

    def close(self) -> None:
        self.client.close()
