"""Agents that act in ToolGym envs: reference replay, constant baseline, OpenAI-compatible LLM."""

from toolgym.agents.base import Agent
from toolgym.agents.constant import ConstantAgent
from toolgym.agents.openai import OpenAIAgent
from toolgym.agents.reference import ReferenceAgent

__all__ = ["Agent", "ConstantAgent", "OpenAIAgent", "ReferenceAgent"]
