"""``toolgym task validate|replay|stats FILE...`` and ``toolgym env new NAME`` (``toolgym validate`` is
an alias of ``toolgym task validate``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``task``, ``env`` and ``validate`` subcommands to the main parser."""
    t = sub.add_parser("task", help="check task files: validate, replay references, stats")
    tsub = t.add_subparsers(dest="task_command", required=True)
    v = tsub.add_parser("validate", help="report every error of task files (schema, ids, answers, tool arguments, env)")
    _validate_args(v)
    r = tsub.add_parser("replay", help="replay every task's reference trajectory in its env; each must score 1.0")
    r.add_argument("paths", nargs="+", help="task files (JSONL, Parquet, CSV or a datasets directory)")
    s = tsub.add_parser("stats", help="counts per env, split, reference and tool")
    s.add_argument("paths", nargs="+", help="task files (JSONL, Parquet, CSV or a datasets directory)")
    e = sub.add_parser("env", help="author env families: toolgym env new NAME")
    esub = e.add_subparsers(dest="env_command", required=True)
    n = esub.add_parser("new", help="write a new env family (a plugin package that passes the conformance kit)")
    n.add_argument("name", help="lower_snake_case family name, e.g. weather_qa")
    n.add_argument("--dir", default=".", help="parent directory (default: .)")
    n.add_argument("--id", dest="env_id", default=None, help="env id (default: Local/<Name>-v0)")
    _validate_args(sub.add_parser("validate", help="alias of `toolgym task validate`"))


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="task files (JSONL, Parquet, CSV or a datasets directory)")
    p.add_argument("--strict", action="store_true",
                   help="shipped-set rules: env, split, tools and a reference trajectory required on every task")


def run(args: argparse.Namespace, console: Console) -> int:
    """Run ``toolgym task ...``, ``toolgym env new`` or ``toolgym validate``; exit 1 when any file has an error."""
    if args.command == "env":
        from toolgym.authoring.scaffold import new_family

        root = new_family(args.name, args.dir, args.env_id)
        console.print(f"wrote {escape(str(root))}: pip install -e {escape(str(root))} && (cd {escape(str(root))} && pytest)")
        return 0
    command = "validate" if args.command == "validate" else args.task_command
    return {"validate": _validate, "replay": _replay, "stats": _stats}[command](args, console)


def _report(path: str, errors: Sequence[str], ok: str, console: Console) -> int:
    if errors:
        console.print(f"[red]invalid[/red] {escape(path)}: {len(errors)} error(s)", soft_wrap=True)
        for err in errors:
            console.print(f"  {escape(err)}", soft_wrap=True)
        return 1
    console.print(f"[green]ok[/green] {escape(path)}: {ok}", soft_wrap=True)
    return 0


def _validate(args: argparse.Namespace, console: Console) -> int:
    from toolgym.authoring.tasks import file_stats, validate_file

    status = 0
    for path in args.paths:
        errors = validate_file(path, strict=args.strict)
        stats = file_stats(path) if not errors else {}
        splits = ", ".join(f"{k}: {v}" for k, v in sorted(stats.get("by_split", {}).items()))
        status |= _report(path, errors, f"{stats.get('tasks', 0)} tasks ({splits})", console)
    return status


def _replay(args: argparse.Namespace, console: Console) -> int:
    from toolgym.authoring.tasks import replay_file

    status = 0
    for path in args.paths:
        results, errors = replay_file(path)
        status |= _report(path, errors, f"{len(results)} references replayed, all scored 1.0", console)
    return status


def _stats(args: argparse.Namespace, console: Console) -> int:
    from toolgym.authoring.tasks import file_stats

    for path in args.paths:
        console.print_json(json.dumps({"file": path, **file_stats(path)}))
    return 0
