"""The lexical read-only guard: what it refuses, what it lets through, and ORDER BY detection."""

import pytest

from toolgym.sql.errors import QueryRefused
from toolgym.sql.guard import check_read_only, has_top_level_order_by, split_statements, tokenize

REFUSED = {
    "drop": "DROP TABLE people",
    "insert": "INSERT INTO people VALUES (9, 'x', 'y', 1)",
    "update": "UPDATE people SET age = 1",
    "delete": "delete from people",
    "attach": "ATTACH '/tmp/other.db' AS other",
    "copy_to": "COPY people TO '/tmp/out.csv'",
    "copy_query_to": "COPY (SELECT * FROM people) TO '/tmp/out.csv'",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "pragma": "PRAGMA database_list",
    "set": "SET threads = 8",
    "create": "CREATE TABLE x AS SELECT 1",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_csv_auto_upper": "select * from READ_CSV_AUTO('/etc/passwd')",
    "read_text": "SELECT content FROM read_text('/etc/hostname')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "file_as_table": "SELECT * FROM '/etc/passwd'",
    "file_in_join": "SELECT * FROM people JOIN '/etc/passwd' ON true",
    "two_statements": "SELECT 1; SELECT 2",
    "write_after_select": "SELECT 1; DROP TABLE people",
    "cte_delete": "WITH gone AS (DELETE FROM people RETURNING *) SELECT * FROM gone",
    "select_into": "SELECT * INTO backup FROM people",
    "pg_read_file": "SELECT pg_read_file('/etc/passwd')",
    "comment_hides_nothing": "/* harmless */ DROP TABLE people -- really",
    "empty": "   ",
    "only_comments": "-- nothing here\n/* still nothing */",
    "nul": "SELECT 1\x00",
    "lone_surrogate": "SELECT '\ud800'",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused(name):
    with pytest.raises(QueryRefused) as err:
        check_read_only(REFUSED[name])
    assert str(err.value).startswith("Refused")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "select name from people where city = 'Lisbon';",
        "WITH t AS (SELECT * FROM people) SELECT COUNT(*) FROM t",
        "(SELECT 1) UNION ALL (SELECT 2)",
        "SELECT 'drop table people; insert into x' AS s",  # keywords inside a string
        'SELECT "update" FROM (SELECT 1 AS "update")',  # quoted identifier
        "SELECT $$DELETE FROM people$$",  # dollar-quoted string
        "SELECT 1 -- ; DROP TABLE people",  # keywords inside a comment
        "FROM people SELECT name",
        "VALUES (1, 2)",
        "DESCRIBE people",
        "SELECT replace(name, 'a', 'b') FROM people",
    ],
)
def test_allowed(sql):
    out = check_read_only(sql)
    assert not out.rstrip().endswith(";")
    assert out.strip()


def test_trailing_semicolons_are_stripped():
    assert check_read_only("SELECT 1 ;  ") == "SELECT 1"


def test_lexer_keeps_strings_and_depth():
    toks = tokenize("SELECT f(a, 'x;y') FROM t -- c\n")
    assert [t.text for t in toks] == ["select", "f", "(", "a", ",", "'x;y'", ")", "from", "t"]
    assert [t.depth for t in toks][3] == 1
    assert len(split_statements(tokenize("select 1; ; select ';'"))) == 2


@pytest.mark.parametrize(
    "sql, ordered",
    [
        ("SELECT * FROM t ORDER BY a", True),
        ("select * from t order\n by a desc limit 3", True),
        ("SELECT * FROM (SELECT * FROM t ORDER BY a) s", False),
        ("SELECT a, RANK() OVER (ORDER BY b) FROM t", False),
        ("SELECT string_agg(a ORDER BY a) FROM t", False),
        ("SELECT 'order by' FROM t", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x ORDER BY 1", True),
    ],
)
def test_top_level_order_by(sql, ordered):
    assert has_top_level_order_by(sql) is ordered
