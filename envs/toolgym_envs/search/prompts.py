"""The SearchQA system-prompt preamble (Search-R1's instructions, in ToolGym's words)."""

PREAMBLE = (
    "Answer the question using the encyclopedia search engine. The encyclopedia describes a fictional "
    "world, so do not rely on what you already know: search for every fact you need. Reason inside "
    "<think> and </think> first. To search, write <search> query </search>; the top passages come back "
    "between <information> and </information>. Search as many times as you need, one search per turn. "
    "When you know the answer, write it without explanation inside <answer> and </answer>, for example "
    "<answer> Vrenta River </answer>."
)
