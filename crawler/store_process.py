"""``yrdwatch store``: the one process that writes the SQLite database for a cluster crawl.

It takes the workers' messages from Redis in batches, moving them to a processing list first:
a store killed mid-batch loses nothing, since the next store writes that list again and every
write is an idempotent upsert. Articles go through the same dedup and store stages as in a
local crawl; what was stored is mirrored into Redis (``yrdwatch:seen``) so that workers never
need the database; and a crawl batch whose last request is done is ended here: its heads'
validators kept, its run rows finished with their counters, its source locks released.

Near-duplicates are decided here, not on the workers. Checking the shared index and adding to it
are two steps; two workers taking them at once for two copies of one story would both find
nothing and both call their copy new. One process deciding in arrival order cannot race, and
costs little (the signature comes ready from the worker). The index is datasketch's Redis storage
under a fixed basename, shared with ``ingest`` and ``reprocess`` (``[dedup] backend``).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from collections import defaultdict

from yrdwatch.crawler.cluster import (BATCHES, BEAT_EVERY, FINISHING, HEARTBEAT_TTL, ITEMS, LOCK_TTL, PROCESSING, SEEN, STORE, STORED,
                             ClusterError, Scripts, batch_key, connect, lock_key, seen_value,
                             source_from_json)
from yrdwatch.crawler.extensions import stored_counters
from yrdwatch.crawler.database import CrawlDatabase
from yrdwatch.crawler.items import PageItem
from yrdwatch.crawler.pipelines import DedupPipeline, StorePipeline
from yrdwatch.crawler.process import pid_alive
from yrdwatch.crawler.spiders import url_key
from yrdwatch.db.transactions import write_transaction

log = logging.getLogger("yrdwatch.store")
BATCH_PARTS = ("open", "sources", "requested", "heads", "counts", "holder")


class StoreWriter:
    """Writes messages into the database and keeps the Redis side (the mirror) in step.

    The messages taken together are written in one SQLite transaction, run counters included, and
    let go from the processing list only after it committed: a store killed before the commit
    leaves nothing written, one killed after it writes them again, which changes nothing."""

    def __init__(self, client, scripts: Scripts, db_path: str, threshold: float, index: str):
        self.client, self.scripts = client, scripts
        database = CrawlDatabase(db_path, threshold, index)
        self.store = database.store
        database.dedup  # noqa: B018 - made now: making it (DDL) would end a transaction
        self.dedup, self.save = DedupPipeline(database), StorePipeline(database)
        self.run_ids: dict[tuple[str, str], int] = {}
        self.mirror: dict[str, str] = {}
        self.articles, self.busy = 0, 0.0  # for the heartbeat: what this store can write per second

    def write(self, messages: list[bytes]) -> None:
        """Write ``messages`` (oldest first), then let them go from the processing list."""
        started, pending = time.perf_counter(), []
        for message in map(json.loads, messages):
            if message["type"] == "finish":  # every message of the batch is before it
                self.commit(pending)
                pending = []
                self.end_batch(message["batch"])
            else:
                pending.append(message)
        self.commit(pending)
        with self.client.pipeline() as pipe:
            if self.mirror:
                pipe.hset(SEEN, mapping=self.mirror)
            pipe.delete(PROCESSING)
            pipe.execute()
        self.mirror = {}
        self.busy += time.perf_counter() - started

    def commit(self, messages: list[dict]) -> None:
        """The messages in one write transaction (waiting while local crawls write the database)."""
        write_transaction(self.store.db.conn, lambda: self.write_messages(messages))

    def write_messages(self, messages: list[dict]) -> None:
        for message in messages:
            try:
                with self.store.db.atomic():  # a savepoint: a message that fails leaves nothing half-written
                    getattr(self, f"on_{message['type']}")(message)
            except Exception as err:  # one bad message must neither stop the store nor come back forever
                log.exception("could not write a %s message for %s", message["type"], message.get("url"))
                if message.get("url"):
                    self.record_error(message, "store", f"{type(err).__name__}: {err}")

    def run_id(self, message: dict) -> int | None:
        key = (message.get("batch"), message.get("source"))
        if key not in self.run_ids:
            for run in self.store.runs_in_batch(key[0]):
                self.run_ids[(key[0], run["source"])] = run["id"]
        return self.run_ids.get(key)

    def on_start(self, message: dict) -> None:
        batch = message["batch"]
        if self.store.runs_in_batch(batch):
            return  # written already, by a store killed before it let the message go
        sources = [source_from_json(json.dumps(s)) for s in message["sources"]]
        self.store.sync_sources(sources)
        for source in sources:
            self.store.start_run(source.name, batch)
        for skipped in message["skipped"]:
            self.store.record_skipped_run(skipped["source"], batch, skipped["reason"])

    def on_article(self, message: dict) -> None:
        item = self.save.process_item(self.dedup.process_item(PageItem.from_message(message)))
        if run_id := self.run_id(message):
            self.store.add_to_run(run_id, stored_counters(item))
        self.mirror[url_key(item.url)] = STORED
        self.articles += 1

    def on_error(self, message: dict) -> None:
        self.record_error(message, message["stage"], message["reason"], unreadable=message["unreadable"])

    def record_error(self, message: dict, stage: str, reason: str, unreadable: bool = False) -> None:
        run_id = self.run_id(message)
        known = self.store.db.conn.execute(
            "select 1 from fetch_errors where run_id is ? and url = ? and stage = ? and reason = ?",
            [run_id, message["url"], stage, reason]).fetchone()
        if known:
            return  # written by a store killed before it let the message go
        self.store.record_error(run_id, message.get("source"), message["url"], stage, reason)
        if run_id:
            self.store.add_to_run(run_id, {"errors": 1, "unreadable": int(unreadable)})

    def on_seen(self, message: dict) -> None:
        self.store.mark_seen(message["url"], message["source"], message["status"], verdict=message.get("verdict"))
        if message.get("verdict") and (run_id := self.run_id(message)):
            self.store.add_to_run(run_id, {"not_articles": 1})
        self.mirror_page(message["url"])

    def mirror_page(self, url: str) -> None:
        for row in self.store.db.query("select * from pages_seen where url = ?", [url]):
            self.mirror[url_key(url)] = seen_value(row)

    def end_batch(self, batch: str) -> None:
        """Keep the heads' validators, finish the runs with the workers' counters (the store's
        own are in the rows already), then let the batch go from Redis."""
        counters: dict[str, dict] = defaultdict(dict)
        for field, value in self.client.hgetall(batch_key(batch, "counts")).items():
            source, name = field.decode().split(" ")
            counters[source][name] = int(value)
        heads = self.client.hgetall(batch_key(batch, "heads"))

        def finish() -> None:
            for url, raw in heads.items():
                source, status, etag, last_modified, digest = json.loads(raw)
                self.store.mark_seen(url.decode(), source, status, etag=etag, last_modified=last_modified, digest=digest)
                self.mirror_page(url.decode())
            for run in self.store.runs_in_batch(batch):
                if run["status"] == "running":
                    self.store.finish_run(run["id"], "finished", counters[run["source"]])
                    log.info("%s: finished (batch %s)", run["source"], batch)

        write_transaction(self.store.db.conn, finish)
        hold_locks(self.client, self.scripts, batch, 0)
        with self.client.pipeline() as pipe:
            pipe.delete(*(batch_key(batch, part) for part in BATCH_PARTS))
            pipe.srem(BATCHES, batch)
            pipe.srem(FINISHING, batch)
            pipe.execute()


def mark_finished_batches(client) -> None:
    """A batch with no request queued or in flight is ended by a message behind all of its items."""
    for raw in client.sdiff(BATCHES, FINISHING):
        batch = raw.decode()
        if int(client.get(batch_key(batch, "open")) or 0) <= 0:
            with client.pipeline() as pipe:
                pipe.sadd(FINISHING, batch)
                pipe.lpush(ITEMS, json.dumps({"type": "finish", "batch": batch}))
                pipe.execute()


def hold_locks(client, scripts: Scripts, batch: str, seconds: int) -> None:
    """Keep the locks of the batch's sources ``seconds`` longer (0: release them), where it holds them."""
    holder = client.get(batch_key(batch, "holder"))
    for name in client.hkeys(batch_key(batch, "sources")):
        scripts.if_held(keys=[lock_key(name.decode())], args=[holder, seconds])


def renew_locks(client, scripts: Scripts) -> None:
    """The sources of open batches stay locked while their crawl goes on."""
    for raw in client.smembers(BATCHES):
        hold_locks(client, scripts, raw.decode(), LOCK_TTL)


def claim_store(client) -> str:
    """Become the cluster's one store, or ClusterError naming the live one."""
    host, pid = socket.gethostname(), os.getpid()
    mine = json.dumps({"host": host, "pid": pid, "articles": 0, "busy_s": 0.0})
    while not client.set(STORE, mine, nx=True, ex=HEARTBEAT_TTL):
        other = client.get(STORE)
        if other is None:
            continue  # expired meanwhile
        holder = json.loads(other)
        if holder["host"] == host and not pid_alive(holder["pid"]):  # killed on this machine: take over
            client.delete(STORE)
            continue
        raise ClusterError(f"another store is running ({holder['host']}:{holder['pid']}): "
                           "one store writes the database of a cluster")
    return mine


def run_store(redis_url: str, db_path: str, threshold: float, index: str, batch_size: int = 100) -> None:
    """Write the cluster's items until SIGTERM or Ctrl-C."""
    client = connect(redis_url)
    scripts = Scripts(client)
    holder = claim_store(client)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stopping.append(signum))
    writer = StoreWriter(client, scripts, db_path, threshold, index)
    leftovers = client.lrange(PROCESSING, 0, -1)
    if leftovers:  # taken by a store that died before writing them all: written again, oldest first
        log.info("writing %d messages a stopped store had taken", len(leftovers))
        writer.write(list(reversed(leftovers)))
    beaten = checked = renewed = 0.0
    try:
        while not stopping:
            now = time.monotonic()
            if now - beaten >= BEAT_EVERY:
                if not scripts.if_held(keys=[STORE], args=[holder, HEARTBEAT_TTL]):
                    raise ClusterError("this store's lock was taken over (was it paused longer than "
                                       f"{HEARTBEAT_TTL} s?); stopping so that one store writes")
                holder = json.dumps({**json.loads(holder), "articles": writer.articles, "busy_s": round(writer.busy, 3)})
                client.set(STORE, holder, ex=HEARTBEAT_TTL)
                beaten = now
            if now - checked >= 0.5:
                mark_finished_batches(client)
                checked = now
            if now - renewed >= LOCK_TTL / 10:
                renew_locks(client, scripts)
                renewed = now
            messages = scripts.take_some(keys=[ITEMS, PROCESSING], args=[batch_size, "RIGHT", "LEFT"])
            if not messages:
                waited = client.blmove(ITEMS, PROCESSING, 1, "RIGHT", "LEFT")
                messages = [waited] if waited else []
            if messages:
                writer.write(messages)
    finally:
        scripts.if_held(keys=[STORE], args=[holder, 0])
