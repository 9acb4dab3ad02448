"""The read-only guard: refuse every SQL text that is not one read-only query, with a clear reason.

This is the first of two layers (the second is the engine's read-only connection, see
:mod:`toolgym.sql.engine`). It works on a small SQL lexer that understands string literals, quoted
identifiers, dollar quoting and comments, so keywords hidden inside strings or comments neither
trigger nor escape it. A query passes when it

* is valid UTF-8 text without NUL characters,
* is exactly one statement (one trailing ``;`` is fine),
* starts with a read-only keyword (``SELECT``, ``WITH``, ``VALUES``, ``FROM``, ``TABLE``,
  ``DESCRIBE``, ``SHOW``), optionally after opening parentheses,
* contains no data-changing keyword anywhere (``INSERT``, ``UPDATE``, ``DELETE``, ``MERGE``,
  ``INTO`` ...), which catches writes nested in CTEs and ``SELECT ... INTO``,
* calls no function that reads or writes host files or other databases (``read_csv``,
  ``read_parquet``, ``glob``, ``pg_read_file``, ``load_extension`` ...), and
* uses no string literal as a table (DuckDB reads ``FROM '/etc/passwd'`` as a file).

Identifiers spelled like a refused keyword must be double-quoted (``"update"``).
The same lexer finds a top-level ``ORDER BY`` (:func:`has_top_level_order_by`), which decides
whether execution match compares rows in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolgym.sql.errors import QueryRefused

#: Keywords a read-only statement may start with.
READ_ONLY_STARTS = frozenset({"select", "with", "values", "from", "table", "describe", "show"})

#: Keywords that change data or schema wherever they appear in a statement.
WRITE_KEYWORDS = frozenset({"insert", "update", "delete", "merge", "upsert", "into", "truncate"})

#: Functions that touch host files, the network, other databases or extensions.
FILE_FUNCTIONS = frozenset(
    {
        # DuckDB readers and scanners
        "read_csv", "read_csv_auto", "read_json", "read_json_auto", "read_json_objects",
        "read_json_objects_auto", "read_ndjson", "read_ndjson_auto", "read_ndjson_objects",
        "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
        "parquet_kv_metadata", "read_text", "read_blob", "read_xlsx", "glob", "sniff_csv",
        "sqlite_scan", "sqlite_attach", "postgres_scan", "postgres_attach", "mysql_scan",
        "iceberg_scan", "delta_scan", "read_ipc", "load_extension",
        # SQLite shell / extension helpers
        "readfile", "writefile", "edit", "fts5vocab",
        # PostgreSQL server-file and large-object functions
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir",
        "pg_ls_waldir", "lo_import", "lo_export", "dblink", "dblink_exec",
    }
)


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is word, string, qident, number, punct; ``depth`` its paren depth."""

    kind: str
    text: str
    depth: int


def tokenize(sql: str) -> list[Token]:
    """Lex ``sql`` into tokens, dropping whitespace and comments.

    Unterminated strings, identifiers and comments run to the end of the text (the database will
    report the syntax error; the guard only needs to know nothing after them is code).
    """
    tokens: list[Token] = []
    i, n, depth = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "'\"`":
            j = _scan_quoted(sql, i, ch)
            kind = "string" if ch == "'" else "qident"
            tokens.append(Token(kind, sql[i:j], depth))
            i = j
        elif ch == "$" and (tag_end := _dollar_tag_end(sql, i)) > 0:
            tag = sql[i:tag_end]
            close = sql.find(tag, tag_end)
            j = n if close < 0 else close + len(tag)
            tokens.append(Token("string", sql[i:j], depth))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            word = sql[i:j]
            # E'...' / X'...' / B'...' prefixed literals are strings, not words.
            if len(word) == 1 and word.lower() in "exbn" and j < n and sql[j] == "'":
                k = _scan_quoted(sql, j, "'", backslash=word.lower() == "e")
                tokens.append(Token("string", sql[i:k], depth))
                i = k
                continue
            tokens.append(Token("word", word.lower(), depth))
            i = j
        elif ch.isdigit():
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "._"):
                j += 1
            tokens.append(Token("number", sql[i:j], depth))
            i = j
        else:
            if ch == ")":
                depth = max(depth - 1, 0)
            tokens.append(Token("punct", ch, depth))
            if ch == "(":
                depth += 1
            i += 1
    return tokens


def _scan_quoted(sql: str, start: int, quote: str, backslash: bool = False) -> int:
    """Index just past the quoted run starting at ``start`` (doubled quotes escape a quote)."""
    i, n = start + 1, len(sql)
    while i < n:
        c = sql[i]
        if backslash and c == "\\":
            i += 2
            continue
        if c == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _dollar_tag_end(sql: str, start: int) -> int:
    """End of a ``$tag$`` opener at ``start`` (PostgreSQL/DuckDB dollar quoting), or -1."""
    j = start + 1
    while j < len(sql) and (sql[j].isalnum() or sql[j] == "_"):
        j += 1
    if j < len(sql) and sql[j] == "$" and not sql[start + 1 : j][:1].isdigit():
        return j + 1
    return -1


def split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into statements at top-level semicolons; empty statements are dropped."""
    out: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.kind == "punct" and tok.text == ";":
            out.append([])
        else:
            out[-1].append(tok)
    return [s for s in out if s]


def check_read_only(sql: str) -> str:
    """Return ``sql`` without its trailing semicolon when it is one read-only query.

    Raises :class:`QueryRefused` naming the reason otherwise.
    """
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRefused("Refused: the query is empty.")
    if "\x00" in sql:
        raise QueryRefused("Refused: the query contains a NUL character.")
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryRefused("Refused: the query is not valid UTF-8 text (it contains lone surrogates).") from None
    statements = split_statements(tokenize(sql))
    if not statements:
        raise QueryRefused("Refused: the query is empty (only comments or semicolons).")
    if len(statements) > 1:
        raise QueryRefused(
            f"Refused: {len(statements)} statements found; send exactly one SELECT query per call."
        )
    tokens = statements[0]
    first = next((t for t in tokens if not (t.kind == "punct" and t.text == "(")), None)
    if first is None or first.kind != "word" or first.text not in READ_ONLY_STARTS:
        shown = first.text.upper() if first is not None and first.kind == "word" else (first.text if first else "")
        raise QueryRefused(
            f"Refused: only read-only queries are allowed (SELECT/WITH/VALUES/FROM/TABLE/DESCRIBE/SHOW); "
            f"this statement starts with {shown!r}. The database is read-only."
        )
    for k, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        if tok.text in WRITE_KEYWORDS:
            raise QueryRefused(
                f"Refused: {tok.text.upper()} changes data and is not allowed; the database is read-only. "
                f"(Quote an identifier that is spelled {tok.text!r}: \"{tok.text}\".)"
            )
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.text in FILE_FUNCTIONS and nxt is not None and nxt.text == "(":
            raise QueryRefused(f"Refused: {tok.text}() reads files or other databases; only the database's own tables may be queried.")
        if tok.text in ("from", "join") and nxt is not None and nxt.kind == "string":
            raise QueryRefused("Refused: a string literal cannot be used as a table (that would read a file).")
    end = len(sql.rstrip())
    trimmed = sql[:end]
    while trimmed.endswith(";"):
        trimmed = trimmed[:-1].rstrip()
    return trimmed


def has_top_level_order_by(sql: str) -> bool:
    """True when the outermost query orders its rows (``ORDER BY`` at parenthesis depth 0).

    ``ORDER BY`` inside subqueries, window ``OVER (...)`` clauses or aggregate calls does not count.
    """
    tokens = tokenize(sql)
    return any(
        a.kind == "word" and a.text == "order" and a.depth == 0 and b.kind == "word" and b.text == "by"
        for a, b in zip(tokens, tokens[1:])
    )
