"""Tools the policy can call: the :class:`Tool` contract, ``@tool``, and built-in tools."""

from toolgym.tools.base import Tool
from toolgym.tools.function import FunctionTool, tool, type_to_schema
from toolgym.tools.python import PythonTool

__all__ = ["FunctionTool", "PythonTool", "Tool", "tool", "type_to_schema"]
