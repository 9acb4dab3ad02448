"""OpenAI-compatible LLM endpoint access."""

from toolgym.llm.client import ChatClient

__all__ = ["ChatClient"]
