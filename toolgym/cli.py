"""The ``toolgym`` command line: list envs and run evaluation episodes.

``toolgym list`` prints every env id with its description; ``toolgym task validate|replay|stats FILE...``
checks task files (``toolgym validate`` is an alias of ``task validate``); ``toolgym env new NAME``
writes a new env family; ``toolgym api serve`` serves a simulated-API domain over HTTP and
``toolgym search serve`` a retriever; ``toolgym sandbox build|gc`` builds the Docker sandbox images
and removes leftover sandbox containers; ``toolgym train grpo`` runs the reference GRPO trainer.
``toolgym run ENV_ID`` plays episodes
with the reference agent (the task's reference trajectory), a constant-answer baseline, or any
OpenAI-compatible endpoint, shows a progress bar and a summary table, and can write every
trajectory as JSONL.

Every failure a user can fix (an unknown env id or ``--env-arg``, a bad value, a port in use, a
missing extra) prints one line, ``toolgym CMD: error: ...`` with the fix, and exits with status 2;
a run whose agent endpoint is down stops early, says why in its summary and exits with status 1.
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

import toolgym
from toolgym.agents import Agent, ConstantAgent, OpenAIAgent, ReferenceAgent
from toolgym.search.cli import add_subcommands as add_search_subcommands
from toolgym.search.cli import serve as serve_search
from toolgym.cli_args import UsageError, add_api_serve_arguments, key_value, positive_int
from toolgym.errors import ToolGymError
from toolgym.extras import missing_extra
from toolgym.integrations import serve_cli
from toolgym.llm import ChatClient
from toolgym.registration import all_specs
from toolgym.runner import run
from toolgym.sandbox import cli as sandbox_cli
from toolgym.viewer import cli as viewer_cli
from toolgym.authoring import cli as authoring_cli


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolgym", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"toolgym {toolgym.__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the registered ToolGym envs")
    r = sub.add_parser("run", help="play episodes of an env with an agent and summarise them")
    r.add_argument("env_id", help="e.g. ToolGym/MathTIR-v1")
    r.add_argument("--agent", choices=["reference", "openai", "constant"], default="reference",
                   help="reference: replay each task's gold solution (its reference trajectory; a check of "
                        "the env and data, not a model); constant: always answer --answer; openai: a model "
                        "behind --base-url")
    r.add_argument("--episodes", type=positive_int, default=20, help="episodes to play (>= 1)")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--split", default=None,
                   help="task split to evaluate on (default: test, for envs that take a split)")
    r.add_argument("--tasks", metavar="PATH",
                   help="your own tasks: JSONL, Parquet, CSV or a datasets directory (see docs/tasks.md)")
    r.add_argument("--column", action="append", default=[], type=key_value, metavar="FIELD=COLUMN",
                   help="with --tasks: read a task field from another column (question=problem), repeatable")
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
    r.add_argument("--trials", type=positive_int, default=1,
                   help="play each of the first --episodes tasks K times and report pass^1..pass^K")
    r.add_argument("--no-progress", action="store_true")
    a = sub.add_parser("api", help="serve a simulated-API domain over HTTP")
    api_sub = a.add_subparsers(dest="api_command", required=True)
    add_api_serve_arguments(api_sub.add_parser("serve", help="serve a domain's tools over HTTP (one fresh database per session)"))
    s = sub.add_parser("search", help="serve a retriever (BM25 or dense) over HTTP for ToolGym/SearchQA-v1")
    add_search_subcommands(s.add_subparsers(dest="search_command", required=True))
    sandbox_cli.add_parser(sub)
    serve_cli.add_parser(sub)
    viewer_cli.add_parser(sub)
    authoring_cli.add_parsers(sub)
    t = sub.add_parser("train", help="train a policy: toolgym train grpo --help", add_help=False)
    t.add_argument("train_args", nargs=argparse.REMAINDER, help="arguments of toolgym.train.cli")
    return p


def make_agent(args: argparse.Namespace) -> Agent:
    if args.agent == "reference":
        return ReferenceAgent()
    if args.agent == "constant":
        return ConstantAgent(args.answer)
    if not args.model:
        raise UsageError("--agent openai needs --model NAME (the model the endpoint at --base-url serves)")
    client = ChatClient(args.base_url, args.model, api_key=args.api_key, timeout_s=args.timeout)
    return OpenAIAgent(client, temperature=args.temperature, max_tokens=args.max_tokens)


def cmd_list(console: Console) -> int:
    table = Table(title="ToolGym envs")
    table.add_column("id")
    table.add_column("description")
    for spec in all_specs():
        table.add_row(spec.id, spec.description)
    console.print(table)
    return 0


def run_env_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """``gym.make`` keywords for ``toolgym run``: ``--tasks`` loaded, ``split`` passed only where it means something.

    An explicit ``--split`` is always passed (an env without one then fails with a one-line error);
    the default ``test`` is passed only to envs whose constructor takes ``split`` and only when the
    tasks are not the user's own.
    """
    from toolgym.lookup import constructor_kwargs, env_class, resolve_env_id
    from toolgym.tasks import load_tasks

    kwargs = dict(args.env_arg)
    columns = {str(k): str(v) for k, v in args.column}
    if columns and not args.tasks:
        raise UsageError("--column needs --tasks PATH")
    if args.tasks:
        tasks = load_tasks(args.tasks, columns=columns)
        kwargs["tasks"] = tasks if args.split is None else tasks.split(args.split)
        if not len(kwargs["tasks"]):
            raise UsageError(f"--tasks {args.tasks}: no tasks in split {args.split!r}")
        if args.agent == "reference" and not any(t.reference for t in kwargs["tasks"]):
            raise UsageError(f"--agent reference replays each task's gold solution (its reference trajectory), and "
                             f"no task in {args.tasks} has one: use --agent openai, or add references (docs/tasks.md)")
    elif args.split is not None:
        kwargs.setdefault("split", args.split)
    elif "tasks" not in kwargs and "split" not in kwargs:
        cls = env_class(resolve_env_id(args.env_id))
        accepted = constructor_kwargs(cls) if cls is not None else None
        if accepted is not None and "split" in accepted:
            kwargs["split"] = "test"
    return kwargs


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    env_kwargs = run_env_kwargs(args)
    bars: list[Any] = []  # the bar appears with the first finished episode, not before a setup error

    def progress(n: int) -> None:
        if not bars:
            bars.append(tqdm(total=args.episodes * args.trials, desc=args.env_id, unit="ep",
                             disable=args.no_progress, file=sys.stderr))
        bars[0].update(n)

    try:
        summary = run(
            args.env_id,
            make_agent(args),
            episodes=args.episodes,
            seed=args.seed,
            trials=args.trials,
            env_kwargs=env_kwargs,
            output=args.output,
            progress=progress,
        )
    finally:
        for bar in bars:
            bar.close()
    table = Table(title=f"toolgym run: {args.agent} agent")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary.rows():
        table.add_row(k, v)
    console.print(table)
    if summary.stopped:
        print(f"toolgym run: stopped early: {summary.stopped}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every expected failure prints one line (``toolgym CMD: error: ...``), no traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:  # its own parser, --help included
        return _explained("train", lambda: _train(argv[1:]))
    args = build_parser().parse_args(argv)
    return _explained(args.command, lambda: _dispatch(args))


def _train(argv: list[str]) -> int:
    from toolgym.train.cli import main as train_main  # torch loads only when training

    return train_main(argv)


def _explained(command: str, fn: Any) -> int:
    """``fn()``, with the errors a user can fix printed as one line on stderr (exit status 2)."""
    try:
        return int(fn())
    except ToolGymError as exc:
        message = str(exc)
    except ModuleNotFoundError as exc:
        missing = missing_extra(exc, purpose=f"toolgym {command}")
        if missing is None:
            raise
        message = str(missing)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        message = f"{exc.strerror}: pick another --port (0 = any free port)"
    except KeyboardInterrupt:
        return 130
    print(f"toolgym {command}: error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def _dispatch(args: argparse.Namespace) -> int:
    console = Console()
    if args.command == "list":
        return cmd_list(console)
    if args.command in ("task", "env", "validate"):
        return authoring_cli.run(args, console)
    if args.command == "api":
        from toolgym.apis.cli import serve as serve_api  # needs the apis extra (sqlalchemy)

        return serve_api(args)
    if args.command == "search":
        return serve_search(args)
    if args.command == "sandbox":
        return sandbox_cli.run(args)
    if args.command == "serve":
        return serve_cli.run(args)
    if args.command == "view":
        return viewer_cli.run(args)
    if args.command == "train":
        return _train(args.train_args)
    return cmd_run(args, console)


if __name__ == "__main__":
    raise SystemExit(main())
