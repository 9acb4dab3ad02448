"""The ``toolgym`` command line: list envs and run evaluation episodes.

``toolgym list`` prints every env id with its description; ``toolgym validate FILE...`` checks task
files against the task JSON Schema; ``toolgym api serve`` serves a simulated-API domain over HTTP and
``toolgym search serve`` a retriever; ``toolgym sandbox build|gc`` builds the Docker sandbox images
and removes leftover sandbox containers; ``toolgym train grpo`` runs the reference GRPO trainer.
``toolgym run ENV_ID`` plays episodes
with the reference agent (the task's reference trajectory), a constant-answer baseline, or any
OpenAI-compatible endpoint, shows a progress bar and a summary table, and can write every
trajectory as JSONL.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

import toolgym
from toolgym.agents import Agent, ConstantAgent, OpenAIAgent, ReferenceAgent
from toolgym.apis.cli import add_subcommands as add_api_subcommands
from toolgym.apis.cli import serve as serve_api
from toolgym.search.cli import add_subcommands as add_search_subcommands
from toolgym.search.cli import serve as serve_search
from toolgym.cli_args import key_value
from toolgym.errors import TaskValidationError
from toolgym.llm import ChatClient
from toolgym.runner import run
from toolgym.sandbox import cli as sandbox_cli
from toolgym.tasks import TaskSet


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolgym", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"toolgym {toolgym.__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the registered ToolGym envs")
    v = sub.add_parser("validate", help="validate task JSONL files against the task JSON Schema")
    v.add_argument("paths", nargs="+", help="JSONL task files")
    r = sub.add_parser("run", help="play episodes of an env with an agent and summarise them")
    r.add_argument("env_id", help="e.g. ToolGym/MathTIR-v0")
    r.add_argument("--agent", choices=["reference", "openai", "constant"], default="reference")
    r.add_argument("--episodes", type=int, default=20)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--split", default="test", help="task split to evaluate on (default: test)")
    r.add_argument("--output", help="write one JSON trajectory per line to this file")
    r.add_argument("--env-arg", action="append", default=[], type=key_value, metavar="KEY=VALUE",
                   help="extra keyword for gym.make (JSON values), repeatable")
    r.add_argument("--base-url", default="http://127.0.0.1:8000/v1", help="OpenAI-compatible base URL")
    r.add_argument("--model", help="model name for --agent openai")
    r.add_argument("--api-key", default=None)
    r.add_argument("--temperature", type=float, default=0.0)
    r.add_argument("--max-tokens", type=int, default=1024)
    r.add_argument("--timeout", type=float, default=60.0, help="endpoint timeout per request, seconds")
    r.add_argument("--answer", default="0", help="the answer of --agent constant")
    r.add_argument("--trials", type=int, default=1,
                   help="play each of the first --episodes tasks K times and report pass^1..pass^K")
    r.add_argument("--no-progress", action="store_true")
    a = sub.add_parser("api", help="serve a simulated-API domain over HTTP")
    add_api_subcommands(a.add_subparsers(dest="api_command", required=True))
    s = sub.add_parser("search", help="serve a retriever (BM25 or dense) over HTTP for ToolGym/SearchQA-v0")
    add_search_subcommands(s.add_subparsers(dest="search_command", required=True))
    sandbox_cli.add_parser(sub)
    t = sub.add_parser("train", help="train a policy: toolgym train grpo --help", add_help=False)
    t.add_argument("train_args", nargs=argparse.REMAINDER, help="arguments of toolgym.train.cli")
    return p


def make_agent(args: argparse.Namespace) -> Agent:
    if args.agent == "reference":
        return ReferenceAgent()
    if args.agent == "constant":
        return ConstantAgent(args.answer)
    if not args.model:
        raise SystemExit("toolgym run: --agent openai needs --model")
    client = ChatClient(args.base_url, args.model, api_key=args.api_key, timeout_s=args.timeout)
    return OpenAIAgent(client, temperature=args.temperature, max_tokens=args.max_tokens)


def cmd_list(console: Console) -> int:
    table = Table(title="ToolGym envs")
    table.add_column("id")
    table.add_column("description")
    for info in toolgym.ENVS:
        table.add_row(info.id, info.description)
    console.print(table)
    return 0


def cmd_validate(paths: Sequence[str], console: Console) -> int:
    """Validate each file; print per-split counts or the first error. Exit 1 on any error."""
    status = 0
    for path in paths:
        try:
            tasks = TaskSet.from_jsonl(path)
        except (TaskValidationError, OSError) as exc:
            console.print(f"[red]invalid[/red] {path}: {exc}")
            status = 1
            continue
        splits = ", ".join(f"{k}: {v}" for k, v in sorted(Counter(t.split for t in tasks).items()))
        console.print(f"[green]ok[/green] {path}: {len(tasks)} tasks ({splits})")
    return status


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    env_kwargs = {"split": args.split, **dict(args.env_arg)}
    bar = tqdm(total=args.episodes * args.trials, desc=args.env_id, unit="ep", disable=args.no_progress, file=sys.stderr)
    try:
        summary = run(
            args.env_id,
            make_agent(args),
            episodes=args.episodes,
            seed=args.seed,
            trials=args.trials,
            env_kwargs=env_kwargs,
            output=args.output,
            progress=bar.update,
        )
    finally:
        bar.close()
    table = Table(title=f"toolgym run: {args.agent} agent")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary.rows():
        table.add_row(k, v)
    console.print(table)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console()
    if args.command == "list":
        return cmd_list(console)
    if args.command == "validate":
        return cmd_validate(args.paths, console)
    if args.command == "api":
        return serve_api(args)
    if args.command == "search":
        return serve_search(args)
    if args.command == "sandbox":
        return sandbox_cli.run(args)
    if args.command == "train":
        from toolgym.train.cli import main as train_main  # torch loads only when training

        return train_main(args.train_args)
    return cmd_run(args, console)


if __name__ == "__main__":
    raise SystemExit(main())
