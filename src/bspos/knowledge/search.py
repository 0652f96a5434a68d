"""One search box over tickets (subject, description and every reply or note), articles and problems.

`search(query, user)` is the only entry point. Underneath:

- **PostgreSQL**: full-text search with ranking. A stored generated column ``search_vector`` =
  ``to_tsvector('english', …)`` of the ticket, note, article and problem texts, with a GIN index (migration 0004,
  PostgreSQL only); the query is ``plainto_tsquery`` and the rank ``ts_rank``. Generated, so inserts, updates and
  bulk loads (COPY) keep it current, and a match or a rank never re-tokenises a row. The newest matches are found
  window by window of ids from the newest (``_newest_matches``), so a common word does not fetch its 20,000 matches
  to keep 100. (PostgreSQL refuses to change the type of a column a generated column reads: a migration that
  alters one of these texts' columns drops and re-adds ``search_vector`` around it.)
- **SQLite**: an FTS5 table ``knowledge_fts`` (porter stemming) kept in sync by triggers on the same four
  tables; ranked by ``bm25``. Each document's rowid encodes what it is: ``id * 4 + kind``. The triggers are
  checked after every ``migrate`` (``ensure_sqlite_index``): SQLite rebuilds a table when another app alters
  it, which drops its triggers, so they are recreated and the index refilled when missing.

Permissions are applied inside the query: staff reach everything; a client contact reaches their own company's
tickets, its public replies (never internal notes) and the articles published to them; nothing else.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse

from bspos.core.permissions import Can, can, contact_client_id
from bspos.knowledge.models import Article, Problem
from bspos.servicedesk.models import Note, Ticket

TICKET, NOTE, ARTICLE, PROBLEM = 0, 1, 2, 3
KINDS = {"ticket": TICKET, "article": ARTICLE, "problem": PROBLEM}
MAX_TERMS = 12
CANDIDATES = 100  # PostgreSQL: the newest matches of each kind that are ranked
WORD = re.compile(r"\w+", re.UNICODE)

# (name, table, text expression for the FTS document title, body) — the SQLite triggers and the rebuild.
SQLITE_SOURCES = [
    ("ticket", "servicedesk_ticket", TICKET, "new.subject", "new.description", "subject, description"),
    ("note", "servicedesk_note", NOTE, "''", "new.body", "body"),
    ("article", "knowledge_article", ARTICLE, "new.title", "new.body", "title, body"),
    ("problem", "knowledge_problem", PROBLEM, "new.title",
     "new.clarify || ' ' || new.explore || ' ' || new.solve || ' ' || new.implement",
     "title, clarify, explore, solve, implement"),
]
# The same texts on PostgreSQL: each table's `search_vector` column is to_tsvector('english', <text>) (migration 0004).
PG_DOCUMENTS = {
    TICKET: ("servicedesk_ticket", "subject || ' ' || description"),
    NOTE: ("servicedesk_note", "body"),
    ARTICLE: ("knowledge_article", "title || ' ' || body"),
    PROBLEM: ("knowledge_problem", "title || ' ' || clarify || ' ' || explore || ' ' || solve || ' ' || implement"),
}
FIRST_WINDOW = 20_000  # PostgreSQL: ids searched first (the newest); each next window is four times wider


@dataclass
class Hit:
    kind: str  # ticket, article, problem
    id: int
    score: float
    title: str
    url: str
    meta: str
    obj: object


def terms(query: str) -> list[str]:
    """The words of a query (letters and digits), at most MAX_TERMS; operators and quotes are dropped."""
    return WORD.findall(query or "")[:MAX_TERMS]


def visible(user) -> dict[int, object] | None:
    """Per document kind, the queryset of ids this user may find; None means everything (MSP staff)."""
    if can(user, Can.DESK_READ):
        return None
    company = contact_client_id(user)
    if company is None:
        return {kind: None for kind in (TICKET, NOTE, ARTICLE, PROBLEM)}  # nobody: nothing at all
    return {
        TICKET: Ticket.objects.visible_to(user).values("id"),
        NOTE: Note.objects.visible_to(user).values("id"),
        ARTICLE: Article.objects.visible_to(user).values("id"),
        PROBLEM: None,  # problem records are internal: Problem.objects.visible_to gives a contact none
    }


def search(query: str, user, *, kinds: list[str] | None = None, limit: int = 50) -> list[Hit]:
    """Tickets, articles and problems matching every word of `query`, best first, that `user` may see."""
    if not user.is_authenticated:
        return []
    allowed = visible(user)
    wanted = {KINDS[k] for k in (kinds or KINDS) if k in KINDS}
    if allowed is not None:
        wanted = {kind for kind in wanted if allowed.get(kind) is not None}
    hits = find(query, wanted, allowed, limit=limit, portal=allowed is not None)
    if not kinds:  # the one search box also finds client documentation (domains, certificates, …), never secrets
        from bspos.documentation.selectors import search_documentation

        hits += [Hit(kind=kind, id=pk, score=0.0, title=title, url=url, meta=client, obj=row)
                 for kind, pk, title, url, client, row in search_documentation(terms(query), user=user, limit=20)]
    return hits


def find(query: str, wanted: set[int] | dict, allowed: dict | None, *, limit: int = 50, any_word: bool = False,
         portal: bool = False) -> list[Hit]:
    """The search itself: documents of the `wanted` kinds, restricted by `allowed` (kind → queryset of ids;
    None: no restriction). Every word must match, or any word with `any_word`."""
    words = terms(query)
    wanted = set(wanted)
    if not words or not wanted:
        return []
    if TICKET in wanted:
        wanted.add(NOTE)
    limit = max(1, min(int(limit), 200))
    if connection.vendor == "postgresql":
        rows = _postgres(words, wanted, allowed, limit, any_word)
    else:
        rows = _sqlite(words, wanted, allowed, limit, any_word)
    return _hits(rows, portal=portal)


def _restriction(kind: int, allowed, column: str) -> tuple[str, list] | None:
    """SQL that keeps only the documents of `kind` the user may see; None when none of them."""
    if allowed is None:
        return "", []
    queryset = allowed.get(kind)
    if queryset is None:
        return None
    sql, params = queryset.query.sql_with_params()
    return f" AND {column} IN ({sql})", list(params)


def _postgres(words: list[str], wanted: set[int], allowed, limit: int, any_word: bool) -> list[tuple]:
    tsquery = "to_tsquery('english', %s)" if any_word else "plainto_tsquery('english', %s)"
    text = " | ".join(words) if any_word else " ".join(words)
    best: dict[tuple[int, int], float] = {}
    for kind in sorted(wanted):
        restriction = _restriction(kind, allowed, "d.id")
        if restriction is None:
            continue
        found = TICKET if kind == NOTE else kind
        for obj, score in _newest_matches(kind, tsquery, text, restriction, max(CANDIDATES, limit)):
            best[found, obj] = max(score, best.get((found, obj), score))
    ranked = sorted(best.items(), key=lambda item: (-item[1], -item[0][1]))[:limit]
    return [(kind, obj, score) for (kind, obj), score in ranked]


def _newest_matches(kind: int, tsquery: str, text: str, restriction: tuple[str, list], wanted: int) -> list[tuple]:
    """The newest `wanted` documents of `kind` matching, with their rank: the same rows as "all matches, newest
    first, LIMIT wanted", read window by window of ids from the newest, so a word in 20,000 tickets reads a few
    thousand of them. Ranking only the newest keeps a common word from costing a ts_rank per match."""
    table, _text = PG_DOCUMENTS[kind]
    owner = "d.ticket_id" if kind == NOTE else "d.id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")
        lowest, highest = cursor.fetchone()
        if highest is None:
            return []
        # A contact's search is bounded by their company's rows already: one pass, no windows to repeat it in.
        rows, top, width = [], highest, FIRST_WINDOW if not restriction[0] else highest - lowest + 1
        while top >= lowest and len(rows) < wanted:
            bottom = top - width + 1
            # "id + 0" in ORDER BY keeps the planner on the GIN index and the id range rather than walking the
            # primary key backwards, parsing rows until enough match.
            cursor.execute(f"SELECT {owner}, ts_rank(d.search_vector, {tsquery}) FROM {table} d "
                           f"WHERE d.search_vector @@ {tsquery} AND d.id BETWEEN %s AND %s{restriction[0]} "
                           f"ORDER BY d.id + 0 DESC LIMIT %s",
                           [text, text, bottom, top, *restriction[1], wanted - len(rows)])
            rows += cursor.fetchall()
            top, width = bottom - 1, width * 4
    return rows


def _sqlite(words: list[str], wanted: set[int], allowed, limit: int, any_word: bool) -> list[tuple]:
    match = (" OR " if any_word else " ").join('"' + w.replace('"', "") + '"' for w in words)
    arms, params = [], []
    for kind in sorted(wanted):
        restriction = _restriction(kind, allowed, "rowid / 4")
        if restriction is None:
            continue
        # As on PostgreSQL, only the newest matches of each kind are ranked: FTS5 walks the matches by rowid
        # from the end and stops, so bm25() runs for at most that many documents.
        arms.append("SELECT * FROM (SELECT rowid AS doc, bm25(knowledge_fts, 2.0, 1.0) AS score FROM knowledge_fts"
                    f" WHERE knowledge_fts MATCH %s AND rowid % 4 = {kind}{restriction[0]}"
                    f" ORDER BY rowid DESC LIMIT {max(CANDIDATES, limit)})")
        params += [match, *restriction[1]]
    if not arms:
        return []
    sql = (  # MATERIALIZED: bm25() may only run in the full-text query itself, not inside the GROUP BY
        f"WITH f AS MATERIALIZED ({' UNION ALL '.join(arms)}) "
        "SELECT CASE WHEN kind = 1 THEN 0 ELSE kind END, CASE WHEN kind = 1 THEN ticket ELSE obj END AS o, "
        "MIN(score) AS best FROM ("
        " SELECT f.doc % 4 AS kind, f.doc / 4 AS obj, n.ticket_id AS ticket, f.score AS score FROM f"
        " LEFT JOIN servicedesk_note n ON f.doc % 4 = 1 AND n.id = f.doc / 4"
        ") GROUP BY 1, 2 ORDER BY best, o DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [(kind, obj, -score) for kind, obj, score in cursor.fetchall()]  # bm25: lower is better


def _hits(rows: list[tuple], portal: bool = False) -> list[Hit]:
    ids: dict[int, list[int]] = {TICKET: [], ARTICLE: [], PROBLEM: []}
    for kind, obj, _score in rows:
        ids[kind].append(obj)
    tickets = Ticket.objects.select_related("client").in_bulk(ids[TICKET])
    articles = Article.objects.select_related("client").in_bulk(ids[ARTICLE])
    problems = Problem.objects.select_related("client").in_bulk(ids[PROBLEM])
    hits = []
    for kind, obj, score in rows:
        if kind == TICKET and (t := tickets.get(obj)):
            hits.append(Hit("ticket", t.number, float(score), f"#{t.number} {t.subject}",
                            reverse("portal:ticket" if portal else "servicedesk:ticket", args=[t.number]),
                            f"{t.client.name} · {t.get_status_display()}", t))
        elif kind == ARTICLE and (a := articles.get(obj)):
            hits.append(Hit("article", a.pk, float(score), a.title,
                            reverse("knowledge:portal-article" if portal else "knowledge:article", args=[a.pk]),
                            f"{a.get_kind_display()} · {a.client.name if a.client else 'Global'}", a))
        elif kind == PROBLEM and (p := problems.get(obj)):
            hits.append(Hit("problem", p.pk, float(score), p.title, reverse("knowledge:problem", args=[p.pk]),
                            f"Problem · {p.get_status_display()}", p))
    return hits


# --- index upkeep ---------------------------------------------------------------------------------------------

def _trigger_sql(name: str, table: str, kind: int, title: str, body: str) -> list[str]:
    doc = f"new.id * 4 + {kind}"
    old = f"old.id * 4 + {kind}"
    return [
        f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_{name}_ins AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO knowledge_fts(rowid, title, body) VALUES ({doc}, {title}, {body}); END",
        f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_{name}_upd AFTER UPDATE ON {table} BEGIN "
        f"DELETE FROM knowledge_fts WHERE rowid = {old}; "
        f"INSERT INTO knowledge_fts(rowid, title, body) VALUES ({doc}, {title}, {body}); END",
        f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_{name}_del AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM knowledge_fts WHERE rowid = {old}; END",
    ]


def ensure_sqlite_index(using=None, rebuild: bool = False) -> bool:
    """Create the FTS5 table and its triggers when missing (and then refill the index). True when rebuilt."""
    conn = connection if using is None else using
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
                       "AND name LIKE 'knowledge_fts%%'")
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in cursor.fetchall()}
        if not {source[1] for source in SQLITE_SOURCES} <= tables:
            return False  # migrated backwards, or not yet forwards: nothing to index
        statements = [s for name, table, kind, title, body, _cols in SQLITE_SOURCES
                      for s in _trigger_sql(name, table, kind, title, body)]
        expected = {s.split()[5] for s in statements}
        if "knowledge_fts" not in present:
            cursor.execute("CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, tokenize='porter unicode61')")
            rebuild = True
        if not expected <= present:
            rebuild = True
        for statement in statements:
            cursor.execute(statement)
        if rebuild:
            cursor.execute("DELETE FROM knowledge_fts")
            for _name, table, kind, title, body, _cols in SQLITE_SOURCES:
                title_sql, body_sql = title.replace("new.", ""), body.replace("new.", "")
                cursor.execute(f"INSERT INTO knowledge_fts(rowid, title, body) "
                               f"SELECT id * 4 + {kind}, {title_sql}, {body_sql} FROM {table}")
    return rebuild


def postgres_index_sql() -> list[str]:
    """The stored search column and its GIN index on each searched table (migration 0004)."""
    statements = []
    for table, text in PG_DOCUMENTS.values():
        statements += [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english', {text})) STORED",
            f"CREATE INDEX IF NOT EXISTS knowledge_search_{table} ON {table} USING gin (search_vector)",
        ]
    return statements


def postgres_drop_sql() -> list[str]:
    return [f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector" for table, _text in PG_DOCUMENTS.values()]
