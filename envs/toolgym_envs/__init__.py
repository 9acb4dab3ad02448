"""ToolGym's env families, one subpackage each (math_tir, ...)."""
