"""The Redis side of a cluster crawl: keys, connection, the in-flight scripts, the store's messages,
the mirror of what the database knows, feeding a crawl, and the cluster's state.

Several ``yrdwatch worker`` processes share one request queue (scrapy-redis's scheduler), one
``yrdwatch store`` writes SQLite, and ``yrdwatch crawl --cluster`` (or the scheduler) feeds start
URLs. Keys, all under ``yrdwatch:``:

==============================  ======  =====================================================
``start_urls``                  list    JSON start requests ``{"url", "meta": {"source", "batch"[, "lost"]}}``
``requests``                    zset    scrapy-redis's request queue
``inflight:<worker>``           zset    requests a worker took and has not finished
``inflight-start:<worker>``     list    start requests a worker took and has not queued yet
``worker:<worker>``, ``workers``        heartbeat (expires), and the ids of workers that ran
``items``, ``items:processing`` lists   messages for the store; the ones it is writing now
``store``                               the store's heartbeat and lock (one store per Redis)
``seen``                        hash    url key → what the database knows of the page (a mirror)
``batches``, ``finishing``      sets    open crawl batches; those whose last request is done
``batch:<b>:open``              int     requests of the batch queued or in flight
``batch:<b>:sources``           hash    source name → definition (workers need no seeds files)
``batch:<b>:requested``         set     article url keys asked for in the batch
``batch:<b>:heads``, ``:counts``        validators kept when the batch ends; run counters
``batch:<b>:holder``, ``lock:<source>`` the batch crawling a source (expires unless renewed)
==============================  ======  =====================================================

A request is finished when its item (or its error) is pushed for the store: the same Lua step
removes it from the worker's in-flight set, so a worker killed at any moment loses nothing (its
in-flight set goes back to the queue once its heartbeat expires) and pushes nothing twice.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

from yrdwatch.crawler.sources import Source
from yrdwatch.db.store import Store, lost_articles

PREFIX = "yrdwatch"
START_URLS = f"{PREFIX}:start_urls"
QUEUE = f"{PREFIX}:requests"
DUPEFILTER = f"{PREFIX}:dupefilter"
WORKERS = f"{PREFIX}:workers"
ITEMS = f"{PREFIX}:items"
PROCESSING = f"{PREFIX}:items:processing"
STORE = f"{PREFIX}:store"
SEEN = f"{PREFIX}:seen"
BATCHES = f"{PREFIX}:batches"
FINISHING = f"{PREFIX}:finishing"

HEARTBEAT_TTL = 10  # seconds without a heartbeat after which a worker or store counts as dead
BEAT_EVERY = 2  # seconds between heartbeats
LOCK_TTL = 300  # a source stays locked this long unless the store renews it (a crawl in progress)
STORED = json.dumps({"stored": True})  # the mirror's value for a stored article


def worker_key(worker: str) -> str:
    return f"{PREFIX}:worker:{worker}"


def inflight_key(worker: str, kind: str = "request") -> str:
    return f"{PREFIX}:inflight:{worker}" if kind == "request" else f"{PREFIX}:inflight-start:{worker}"


def batch_key(batch: str, part: str) -> str:
    return f"{PREFIX}:batch:{batch}:{part}"


def lock_key(source: str) -> str:
    return f"{PREFIX}:lock:{source}"


class ClusterError(RuntimeError):
    """The cluster cannot be used as asked; the message says why and what to do."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str) -> redis.Redis:
    """A client of the cluster's Redis, or ClusterError naming the URL when it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as err:
        raise ClusterError(f"cannot reach Redis at {redacted(url)}: {err} (is redis-server running there? "
                           "The URL comes from [cluster] redis_url or YRDWATCH_REDIS_URL)") from None
    return client


# --- Lua steps that must not be cut in half by a kill ------------------------------------------

TAKE_REQUEST = """
-- KEYS[1] request queue, KEYS[2] this worker's in-flight set
local taken = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #taken == 0 then return false end
redis.call('ZREM', KEYS[1], taken[1])
redis.call('ZADD', KEYS[2], taken[2], taken[1])
return taken[1]
"""
# A worker's start URLs to its in-flight start list (LEFT, RIGHT), the store's messages to its
# processing list (RIGHT, LEFT).
TAKE_SOME = """
-- KEYS[1] list taken from, KEYS[2] list moved to; ARGV[1] how many, ARGV[2] and ARGV[3] LMOVE's ends
local taken = {}
for i = 1, tonumber(ARGV[1]) do
  local entry = redis.call('LMOVE', KEYS[1], KEYS[2], ARGV[2], ARGV[3])
  if not entry then break end
  taken[#taken + 1] = entry
end
return taken
"""
# A request that replaces one the worker holds (a retry, a redirect, a start URL made a request)
# leaves the batch's count as it is; one that was given back meanwhile is not queued twice.
PUSH = """
-- KEYS[1] request queue, KEYS[2] batch's open count, KEYS[3] in-flight set or list of the replaced entry
-- ARGV[1] score, ARGV[2] request, ARGV[3] replaced kind ('' if none), ARGV[4] replaced entry
if ARGV[3] == '' then
  redis.call('INCR', KEYS[2])
else
  local removed
  if ARGV[3] == 'start' then removed = redis.call('LREM', KEYS[3], 1, ARGV[4])
  else removed = redis.call('ZREM', KEYS[3], ARGV[4]) end
  if removed == 0 then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
FINISH = """
-- KEYS[1] in-flight set or list, KEYS[2] batch's open count, KEYS[3] store's items list
-- ARGV[1] kind, ARGV[2] entry, ARGV[3..] messages for the store
local removed
if ARGV[1] == 'start' then removed = redis.call('LREM', KEYS[1], 1, ARGV[2])
else removed = redis.call('ZREM', KEYS[1], ARGV[2]) end
if removed == 0 then return 0 end
for i = 3, #ARGV do redis.call('LPUSH', KEYS[3], ARGV[i]) end
redis.call('DECR', KEYS[2])
return 1
"""
GIVE_BACK = """
-- KEYS[1] worker heartbeat, KEYS[2] its in-flight set, KEYS[3] request queue,
-- KEYS[4] its in-flight start list, KEYS[5] start URLs, KEYS[6] worker ids; ARGV[1] worker id
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local moved = redis.call('ZCARD', KEYS[2])
if moved > 0 then
  redis.call('ZUNIONSTORE', KEYS[3], 2, KEYS[3], KEYS[2], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[2])
end
while redis.call('LMOVE', KEYS[4], KEYS[5], 'RIGHT', 'LEFT') do moved = moved + 1 end
redis.call('SREM', KEYS[6], ARGV[1])
return moved
"""
IF_HELD = """
-- KEYS[1] lock; ARGV[1] holder, ARGV[2] seconds to keep it (0: release)
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
"""


class Scripts:
    """The Lua steps above, registered with one client (redis-py sends them by SHA)."""

    def __init__(self, client: redis.Redis):
        for name in ("TAKE_REQUEST", "TAKE_SOME", "PUSH", "FINISH", "GIVE_BACK", "IF_HELD"):
            setattr(self, name.lower(), client.register_script(globals()[name]))


def give_back_dead_workers(client: redis.Redis, scripts: Scripts, except_worker: str | None = None) -> int:
    """Requests taken by workers whose heartbeat expired go back to the queue; returns how many."""
    moved = 0
    for raw in client.smembers(WORKERS):
        worker = raw.decode()
        if worker != except_worker:
            moved += max(0, give_back(scripts, worker))
    return moved


def give_back(scripts: Scripts, worker: str) -> int:
    return scripts.give_back(keys=[worker_key(worker), inflight_key(worker), QUEUE, inflight_key(worker, "start"),
                                   START_URLS, WORKERS], args=[worker])


# --- messages for the store ---------------------------------------------------------------------

def error_message(meta: dict, url: str, stage: str, reason: str, unreadable: bool = False) -> str:
    return json.dumps({"type": "error", "batch": meta.get("batch"), "source": meta.get("source"), "url": url,
                       "stage": stage, "reason": reason, "unreadable": unreadable}, ensure_ascii=False)


def seen_message(meta: dict, url: str, status: int, verdict: str | None = None) -> str:
    """A page's answer for ``pages_seen``; ``verdict``: the kind of a page judged not to be an article."""
    return json.dumps({"type": "seen", "batch": meta.get("batch"), "source": meta.get("source"), "url": url,
                       "status": status, "verdict": verdict})


def source_json(source: Source) -> str:
    return json.dumps({**asdict(source), "seeds_file": str(source.seeds_file)}, ensure_ascii=False)


def source_from_json(raw: bytes | str) -> Source:
    data = json.loads(raw)
    return Source(**{**data, "seeds_file": Path(data["seeds_file"])})


# --- the mirror of pages_seen and stored articles -----------------------------------------------

def seen_value(row: dict) -> str:
    """A pages_seen row as the mirror keeps it (what head requests and the gone check read)."""
    # .get: a database not yet opened by this version has no verdict columns
    return json.dumps({key: row.get(key) for key in ("last_status", "etag", "last_modified", "content_hash",
                                                     "last_seen", "full_fetched_at", "verdict", "verdict_at")})


def read_only(db_path: str | Path) -> sqlite3.Connection:
    """The database as the feeder reads it: the store is its one writer."""
    db = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def seed_mirror(client: redis.Redis, db_path: str | Path, sources: list[Source]) -> int:
    """Copy what the database knows of ``sources`` (stored articles, heads and failed pages) into
    the mirror, read-only: the store keeps it current from then on. Returns how many entries."""
    from yrdwatch.crawler.spiders import url_key

    if not Path(db_path).exists():
        return 0
    db = read_only(db_path)
    names = [s.name for s in sources]
    marks = ",".join("?" * len(names))
    entries: dict[str, str] = {}
    try:
        for row in db.execute(f"select url from articles where source in ({marks})", names):
            entries[url_key(row["url"])] = STORED
        for row in db.execute(f"select * from pages_seen p where source in ({marks}) "
                              "and not exists (select 1 from articles a where a.url = p.url)", names):
            entries[url_key(row["url"])] = seen_value(dict(row))
    finally:
        db.close()
    items = list(entries.items())
    for start in range(0, len(items), 5000):
        client.hset(SEEN, mapping=dict(items[start:start + 5000]))
    return len(items)


def lost_starts(db_path: str | Path, sources: list[Source], batch: str) -> list[str]:
    """Start entries for the articles of ``sources`` that earlier crawls fetched but could not
    store: a worker asks for each directly (as ``yrdwatch.crawler.refetch`` does in a local crawl),
    since the listing that led to it may answer 304 or no longer list it."""
    if not Path(db_path).exists():
        return []
    db = read_only(db_path)
    try:
        return [json.dumps({"url": url, "meta": {"source": source.name, "batch": batch, "lost": True}})
                for source in sources for url in lost_articles(db, source.name)]
    finally:
        db.close()


# --- feeding a crawl and waiting for it ---------------------------------------------------------

def feed_crawl(client: redis.Redis, db_path: str | Path, sources: list[Source]) -> str:
    """Start a cluster crawl of ``sources``: seed the mirror, lock each source (a source another
    batch is crawling is recorded as skipped), and queue the start URLs as JSON requests for the
    workers (each source's lost articles first), behind a message that has the store record the
    runs. Returns the batch id."""
    batch = uuid.uuid4().hex[:12]
    seed_mirror(client, db_path, sources)
    holder = json.dumps({"batch": batch, "host": socket.gethostname(), "pid": os.getpid()})
    fed, skipped = [], []
    for source in sources:
        if client.set(lock_key(source.name), holder, nx=True, ex=LOCK_TTL):
            fed.append(source)
        else:
            other = json.loads(client.get(lock_key(source.name)) or "{}")
            skipped.append({"source": source.name, "reason": f"skipped: locked by {other.get('host')}:{other.get('pid')}"})
    start = {"type": "start", "batch": batch, "sources": [json.loads(source_json(s)) for s in fed], "skipped": skipped}
    starts = lost_starts(db_path, fed, batch) + [json.dumps({"url": url, "meta": {"source": s.name, "batch": batch}})
                                                 for s in fed for url in s.start_urls]
    with client.pipeline() as pipe:  # MULTI: the store sees the runs begin before any item of them
        pipe.lpush(ITEMS, json.dumps(start, ensure_ascii=False))
        if fed:
            pipe.hset(batch_key(batch, "sources"), mapping={s.name: source_json(s) for s in fed})
            pipe.set(batch_key(batch, "holder"), holder)
            pipe.incrby(batch_key(batch, "open"), len(starts))
            pipe.rpush(START_URLS, *starts)
            pipe.sadd(BATCHES, batch)
        pipe.execute()
    return batch


def wait_for_runs(client: redis.Redis, db_path: str | Path, batch: str, expected: int, warn,
                  poll: float = 0.5) -> list[dict]:
    """Wait until the store has recorded every run of ``batch`` as ended; the run rows, with their
    errors, as a local crawl returns them. ``warn(text)`` hears once about a missing store or worker."""
    warned, store, look_at = set(), None, time.monotonic() + 3 * HEARTBEAT_TTL
    try:
        while True:
            if store is None and Path(db_path).exists():  # the store makes it; this process only reads
                store = Store(db_path)
            runs = store.runs_in_batch(batch) if store else []
            if len(runs) == expected and all(run["status"] != "running" for run in runs):
                for run in runs:
                    run["error_details"] = store.errors_of_run(run["id"])
                return runs
            if time.monotonic() > look_at:
                look_at += 10
                state = cluster_state(client)
                if not state["store"] and "store" not in warned:
                    warned.add("store")
                    warn(f"No store is running: the crawl's items wait in Redis ({state['items_waiting']} so far) "
                         "until `yrdwatch store` runs.")
                if not state["workers"] and state["queued"] + state["in_flight"] and "workers" not in warned:
                    warned.add("workers")
                    warn(f"No worker is running: {state['queued']} requests wait in Redis until `yrdwatch worker` runs.")
            time.sleep(poll)
    finally:
        if store:
            store.close()


def run_cluster_crawl(redis_url: str, db_path: str | Path, sources: list[Source], *, wait: bool = True,
                      warn=print) -> list[dict]:
    """``yrdwatch crawl --cluster``: feed the crawl, then (``wait``) return its run rows once the
    store has recorded them. Without ``wait`` (the scheduler) it returns at once, with no rows."""
    client = connect(redis_url)
    batch = feed_crawl(client, db_path, sources)
    if not wait:
        return []
    return wait_for_runs(client, db_path, batch, len(sources), warn)


# --- what `yrdwatch status` shows ---------------------------------------------------------------

def cluster_state(client: redis.Redis) -> dict:
    """Queue length, requests in flight, items waiting for the store, live workers and the store."""
    workers, in_flight = [], 0
    for raw in sorted(client.smembers(WORKERS)):
        worker = raw.decode()
        in_flight += client.zcard(inflight_key(worker)) + client.llen(inflight_key(worker, "start"))
        if beat := client.get(worker_key(worker)):
            workers.append(json.loads(beat))
    store = client.get(STORE)
    return {
        "queued": client.zcard(QUEUE) + client.llen(START_URLS), "in_flight": in_flight,
        "items_waiting": client.llen(ITEMS) + client.llen(PROCESSING), "open_batches": client.scard(BATCHES),
        "workers": workers, "store": json.loads(store) if store else None,
    }
