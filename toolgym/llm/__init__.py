"""OpenAI-compatible LLM endpoint access, and the deadline-bound JSON-over-HTTP path of every service client."""

from toolgym.llm.client import ChatClient
from toolgym.llm.jsonhttp import JsonHttp

__all__ = ["ChatClient", "JsonHttp"]
