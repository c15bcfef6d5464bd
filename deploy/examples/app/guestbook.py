"""The example application: a guestbook that counts visits.

It proves the whole stack of a fleet: entries live in PostgreSQL (the dbserver role), the visit
counter in memcached (the cachenode role), gunicorn serves it (appnode) behind nginx
(loadbalancer). Configuration comes from the environment, as DeployMachine's app cookbook writes
it for any application (docs/apps.md), and the fleet file's `app: env:`:

  DM_DB_HOST, DM_DB_NAME, DM_DB_USER, DM_DB_PASSWORD (the fleet's database)
  DM_CACHE (host:port of the fleet's memcached, optional)
  DM_REVISION (the deployed commit, shown at /version)
  GUESTBOOK_SECRET_KEY (a fleet secret, through `env:`)

`python3 guestbook.py migrate` creates or upgrades the schema (run once per deploy).
"""
import html
import os
import socket
import sys

import flask
import psycopg2

try:
    from pymemcache.client.base import Client as Memcache
except ImportError:  # the cache is optional
    Memcache = None

app = flask.Flask(__name__)
app.secret_key = os.environ.get("GUESTBOOK_SECRET_KEY", "")

MIGRATIONS = [
    "CREATE TABLE IF NOT EXISTS entries ("
    " id SERIAL PRIMARY KEY, name TEXT NOT NULL, message TEXT NOT NULL,"
    " created TIMESTAMPTZ NOT NULL DEFAULT now())",
]


def db():
    return psycopg2.connect(
        host=os.environ.get("DM_DB_HOST", "127.0.0.1"),
        dbname=os.environ.get("DM_DB_NAME", "guestbook"),
        user=os.environ.get("DM_DB_USER", "guestbook"),
        password=os.environ.get("DM_DB_PASSWORD", ""),
        connect_timeout=5,
    )


def visits():
    """Counts this visit in memcached; None when there is no cache."""
    address = os.environ.get("DM_CACHE", "")
    if not address or Memcache is None:
        return None
    host, _, port = address.rpartition(":")
    cache = Memcache((host, int(port)), connect_timeout=2, timeout=2)
    try:
        cache.add("visits", "0", noreply=False)
        return cache.incr("visits", 1)
    except (OSError, socket.timeout):
        return None


@app.get("/health")
def health():
    with db() as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
    return "ok\n"


@app.get("/version")
def version():
    return os.environ.get("DM_REVISION", "unknown") + "\n"


@app.get("/")
def index():
    with db() as conn, conn.cursor() as cur:
        cur.execute("SELECT name, message FROM entries ORDER BY id DESC LIMIT 50")
        rows = cur.fetchall()
        cur.execute("SELECT count(*) FROM entries")
        total = cur.fetchone()[0]
    count = visits()
    items = "".join(f"<li><b>{html.escape(n)}</b>: {html.escape(m)}</li>" for n, m in rows)
    return (
        "<!doctype html><title>Guestbook</title>"
        "<link rel=stylesheet href=/static/guestbook.css><h1>Guestbook</h1>"
        f"<p>{total} entries; served by {html.escape(socket.gethostname())}"
        + (f"; visit {count}" if count is not None else "")
        + "</p><form method=post action=/sign><input name=name placeholder=name>"
        "<input name=message placeholder=message><button>Sign</button></form>"
        f"<ul>{items}</ul>\n"
    )


@app.post("/sign")
def sign():
    name = flask.request.form.get("name", "").strip()[:100]
    message = flask.request.form.get("message", "").strip()[:1000]
    if not name or not message:
        return "name and message are required\n", 400
    with db() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO entries (name, message) VALUES (%s, %s)", (name, message))
    return flask.redirect("/", code=303)


def migrate():
    with db() as conn, conn.cursor() as cur:
        for statement in MIGRATIONS:
            cur.execute(statement)
    print("schema up to date")


if __name__ == "__main__":
    if sys.argv[1:] == ["migrate"]:
        migrate()
    else:
        print(__doc__)
        sys.exit(2)
