-- yrdwatch database schema (SQLite, WAL mode). Applied idempotently at every open by db.store.
-- Times are ISO 8601 in UTC ("2026-11-23T06:00:00+00:00"); money is in yuan (integer).

CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    outlet TEXT,
    region TEXT,
    kind TEXT,                      -- listing | feed | sitemap
    start_urls TEXT,                -- JSON array
    allowed_domains TEXT,           -- JSON array
    article_url_pattern TEXT,
    schedule TEXT,                  -- cron, Asia/Shanghai
    verified INTEGER,
    seeds_file TEXT,
    updated_at TEXT
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    batch TEXT,                     -- one `yrdwatch crawl` invocation
    source TEXT REFERENCES sources(name),
    started_at TEXT,
    finished_at TEXT,
    status TEXT,                    -- running | finished | failed | <Scrapy close reason>
    requests INTEGER DEFAULT 0,
    article_pages INTEGER DEFAULT 0,
    new_articles INTEGER DEFAULT 0,
    updated_articles INTEGER DEFAULT 0,
    duplicates INTEGER DEFAULT 0,
    announcements INTEGER DEFAULT 0,
    errors INTEGER DEFAULT 0,
    skipped INTEGER DEFAULT 0,      -- requests not made on purpose (robots.txt, off-site)
    unreadable INTEGER DEFAULT 0,   -- article pages downloaded in which no article text was found
    not_articles INTEGER DEFAULT 0, -- candidate pages downloaded and judged not to be articles (hubs, profiles …)
    undated INTEGER DEFAULT 0       -- articles stored without a publication date
);
CREATE INDEX IF NOT EXISTS crawl_runs_batch ON crawl_runs(batch);

-- One crawl of a source at a time, whoever starts it (scheduler, cron, a person): the holder's
-- host and pid, and a heartbeat; a lock whose holder is dead or silent is taken over.
CREATE TABLE IF NOT EXISTS source_locks (
    source TEXT PRIMARY KEY,
    host TEXT,
    pid INTEGER,
    acquired_at TEXT,
    heartbeat_at TEXT
);

CREATE TABLE IF NOT EXISTS fetch_errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    source TEXT,
    url TEXT,
    stage TEXT,                     -- download | parse | extract: where the page was lost
    reason TEXT,
    at TEXT
);

CREATE TABLE IF NOT EXISTS pages_seen (
    url TEXT PRIMARY KEY,           -- canonical URL
    source TEXT,
    last_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    first_seen TEXT,
    last_seen TEXT,
    full_fetched_at TEXT,           -- last 200 answer: a 304 is trusted only this long (validators can lie)
    -- A page read in full and judged not to be an article (extract.pagekind: listing, hub, tag, search,
    -- gallery, profile): not requested again as an article for 30 days (crawler.spiders.RECHECK_AFTER).
    -- Any later answer recorded for the page (stored as an article, 404, …) clears it.
    verdict TEXT,
    verdict_at TEXT
);

CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,           -- canonical URL (file:// for ingested files)
    source TEXT,
    outlet TEXT,
    title TEXT,                     -- the page's own script
    published_at TEXT,
    text TEXT,                      -- main text, the page's own script, pinyin ruby removed
    script TEXT,                    -- simplified | traditional
    encoding TEXT,
    mojibake TEXT,                  -- JSON array of garbled spans found in the text
    is_announcement INTEGER,
    content_hash TEXT,              -- sha1 of the analysis text
    signature BLOB,                 -- LeanMinHash bytes, see dedup_meta for its parameters
    duplicate_of TEXT REFERENCES articles(url),
    similarity REAL,
    first_seen TEXT,
    last_seen TEXT
);
CREATE INDEX IF NOT EXISTS articles_duplicate_of ON articles(duplicate_of);
CREATE INDEX IF NOT EXISTS articles_published_at ON articles(published_at);

-- Raw HTML, zlib-compressed, outside the browsed tables: `reprocess` re-extracts from here.
CREATE TABLE IF NOT EXISTS raw_pages (
    url TEXT PRIMARY KEY REFERENCES articles(url),
    content_type TEXT,
    html_zlib BLOB,
    fetched_at TEXT
);

CREATE TABLE IF NOT EXISTS announcements (
    id TEXT PRIMARY KEY,            -- <article url>#<seq>
    article_url TEXT REFERENCES articles(url),
    seq INTEGER,                    -- 0 = the article's headline event
    event_type TEXT,
    event_date TEXT,
    province TEXT,
    city TEXT,
    district TEXT,
    park TEXT,
    total_investment_cny INTEGER,
    investment_qualifier TEXT,
    currency TEXT,
    project_count INTEGER,
    industries TEXT,                -- JSON array
    parties TEXT                    -- JSON array
);
CREATE INDEX IF NOT EXISTS announcements_article ON announcements(article_url);

CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,            -- hash of name_key
    name TEXT,                      -- Simplified, as first written
    name_key TEXT,                  -- folded name; with place and investment, what merges mentions
    province TEXT,
    city TEXT,
    district TEXT,
    park TEXT,
    investment_cny INTEGER,
    currency TEXT,
    first_seen TEXT,                -- first sighting: the project is "new" in digests from here
    last_seen TEXT,
    first_article_url TEXT REFERENCES articles(url),
    mentions INTEGER
);
CREATE INDEX IF NOT EXISTS projects_name_key ON projects(name_key);
CREATE INDEX IF NOT EXISTS projects_first_seen ON projects(first_seen);

CREATE TABLE IF NOT EXISTS project_mentions (
    project_id TEXT REFERENCES projects(id),
    announcement_id TEXT REFERENCES announcements(id),
    article_url TEXT REFERENCES articles(url),
    outlet TEXT,
    event_date TEXT,
    name TEXT,                      -- the project's name as this report wrote it (an alias)
    mention_key TEXT,               -- the id this report would give a project of its own (overrides name it)
    investment_cny INTEGER,         -- the amount this report states for the project (in `currency` when set)
    currency TEXT,
    PRIMARY KEY (project_id, announcement_id)
);
-- Re-storing an article replaces its announcements' mentions: found by announcement, not by a scan.
CREATE INDEX IF NOT EXISTS project_mentions_announcement ON project_mentions(announcement_id);
CREATE INDEX IF NOT EXISTS project_mentions_key ON project_mentions(mention_key);

-- Lifecycle (db/projects.py, db/evidence.py). A later report joins the project of an earlier stage
-- by evidence: each link the evidence found for a mention, with its confidence. 'merged': the
-- mention joined project_id; 'uncertain': it kept a project of its own (never merged silently);
-- 'forced' / 'kept apart': a person's override decided. Replaced with the article's announcements.
CREATE TABLE IF NOT EXISTS project_links (
    announcement_id TEXT REFERENCES announcements(id),
    mention_key TEXT,               -- the mention's natural key (project_mentions.mention_key)
    project_id TEXT REFERENCES projects(id),  -- the earlier project the evidence points to
    confidence REAL,                -- 0..1, see db/data/link_weights.json for the thresholds
    status TEXT,                    -- merged | uncertain | forced | kept apart
    evidence TEXT,                  -- JSON: the features that spoke
    created_at TEXT,
    PRIMARY KEY (announcement_id, mention_key, project_id)
);
CREATE INDEX IF NOT EXISTS project_links_project ON project_links(project_id);

-- A person's word on two mention keys or project ids (`yrdwatch projects --merge/--split`): 'merge'
-- joins a to b's project whatever the evidence, 'split' keeps them apart; applied when mentions are
-- stored (so `yrdwatch reprocess` re-links everything by them). One row, the newest word, per pair.
CREATE TABLE IF NOT EXISTS project_overrides (
    a TEXT,
    b TEXT,
    action TEXT CHECK (action IN ('merge', 'split')),
    created_at TEXT,
    PRIMARY KEY (a, b)
);

-- A project's stages: one row per project and event type, with the earliest date reported (the
-- event's date, else the article's), the amount stated at that stage (yuan, or `currency`), and
-- the articles that report it (JSON array of URLs).
CREATE VIEW IF NOT EXISTS project_stages AS
SELECT m.project_id, a.event_type AS stage,
       min(coalesce(a.event_date, substr(r.published_at, 1, 10))) AS date,
       max(coalesce(m.investment_cny, case when a.project_count = 1 then a.total_investment_cny end)) AS investment_cny,
       max(coalesce(m.currency, a.currency)) AS currency,
       count(*) AS reports,
       json_group_array(DISTINCT m.article_url) AS article_urls,
       min(r.first_seen) AS first_reported
FROM project_mentions m
JOIN announcements a ON a.id = m.announcement_id
JOIN articles r ON r.url = m.article_url
GROUP BY m.project_id, a.event_type;

-- Each story once, with its reprints: originals (articles that duplicate nothing) and their copies.
CREATE VIEW IF NOT EXISTS clusters AS
SELECT o.url AS story_url, o.title, o.outlet, o.published_at,
       count(c.url) AS copies,
       group_concat(c.outlet, '、') AS copy_outlets,
       group_concat(c.url, ' ') AS copy_urls,
       min(c.similarity) AS min_similarity
FROM articles o LEFT JOIN articles c ON c.duplicate_of = o.url
WHERE o.duplicate_of IS NULL
GROUP BY o.url;

-- One definition of every money figure: what each project adds to a total, read by the digest
-- (alerts/query.py), its chart and Datasette's canned queries alike. A project's amount is the
-- one the text states for it alone (the extractor keeps a batch's total on its announcement, not
-- on a project, see extract/investments.py), so summing projects counts no yuan twice. `yuan` is
-- the amount when it is in yuan (a foreign figure converted at a rate the page stated is yuan) and
-- NULL for a foreign currency, which is never compared or summed as yuan. How an amount is shown
-- ("2.5亿美元") is one Python function, extract.money.yi_text, which Datasette's queries call as
-- SQL yi_text(). Periods are of the first sighting, in Beijing time.
CREATE VIEW IF NOT EXISTS project_amounts AS
SELECT p.id AS project_id, p.name, p.province, p.city, p.district, p.park,
       p.first_seen,
       date(p.first_seen, '+8 hours') AS day,
       strftime('%Y-%m', p.first_seen, '+8 hours') AS month,
       strftime('%Y', p.first_seen, '+8 hours') || '-Q'
           || ((cast(strftime('%m', p.first_seen, '+8 hours') AS INTEGER) + 2) / 3) AS quarter,
       p.investment_cny AS amount_value,
       p.currency,
       CASE WHEN p.currency IS NULL THEN p.investment_cny END AS yuan
FROM projects p;

-- How stored signatures were made (num_perm, seed, hashing scheme): a change means re-signing.
CREATE TABLE IF NOT EXISTS dedup_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- Browsing: full-text search
-- jieba words of each article (title and text) and project (name, place, parties, industries),
-- cut from the Simplified analysis text: unicode61 alone keeps a run of Han characters as one
-- token and trigram finds nothing under three characters. rowid = the row's rowid; the key
-- beside the words tells a renumbered rowid (VACUUM) from the row it indexed. See db/search.py.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(url UNINDEXED, words, tokenize = 'unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS projects_fts USING fts5(id UNINDEXED, words, tokenize = 'unicode61');
-- 'synced': when db.search.sync last checked the index against every row (later starts only check its ends).
CREATE TABLE IF NOT EXISTS search_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- Alerts: subscriptions' digests (outbox)
-- A digest is rendered and stored before anything is sent; each channel's delivery is its own row,
-- marked sent only after the channel accepted it, so a failed send is retried and none is sent twice.
CREATE TABLE IF NOT EXISTS subscriptions (
    name TEXT PRIMARY KEY,          -- as in the configuration file (the config stays the truth)
    filters TEXT,                   -- JSON, as configured
    schedule TEXT,                  -- cron, Asia/Shanghai
    channels TEXT,                  -- JSON array of channel labels (secrets masked)
    started_at TEXT,                -- first digest run: the first digest reaches back [digest] backfill_days from here
    updated_at TEXT
);

CREATE TABLE IF NOT EXISTS digests (
    id INTEGER PRIMARY KEY,
    subscription TEXT REFERENCES subscriptions(name),
    created_at TEXT,
    since TEXT,                     -- its projects were first seen at or after this (and covered by no earlier digest)
    projects INTEGER,
    investment_cny INTEGER,         -- disclosed investment, yuan
    subject TEXT,
    html TEXT,                      -- the e-mail body; the chart is <img src="cid:chart.png">
    markdown TEXT,
    atom TEXT,
    chart_png BLOB
);
CREATE INDEX IF NOT EXISTS digests_subscription ON digests(subscription);

-- What each digest covered: a project is in at most one digest of a subscription (never repeated).
CREATE TABLE IF NOT EXISTS digest_items (
    subscription TEXT,
    project_id TEXT REFERENCES projects(id),
    digest_id INTEGER REFERENCES digests(id),
    position INTEGER,               -- reading order in the digest
    item TEXT,                      -- JSON: what the digest showed of the project
    PRIMARY KEY (subscription, project_id)
);
CREATE INDEX IF NOT EXISTS digest_items_digest ON digest_items(digest_id);

-- The progress a digest showed: a known project's next stage, once per subscription (alerts/query.py).
CREATE TABLE IF NOT EXISTS digest_progress (
    subscription TEXT,
    project_id TEXT REFERENCES projects(id),
    stage TEXT,
    digest_id INTEGER REFERENCES digests(id),
    PRIMARY KEY (subscription, project_id, stage)
);

CREATE TABLE IF NOT EXISTS digest_deliveries (
    digest_id INTEGER REFERENCES digests(id),
    channel TEXT,                   -- hash of the configured channel URL ({placeholders}, never a secret)
    label TEXT,                     -- the channel as shown, tokens masked
    status TEXT,                    -- pending | sent
    attempts INTEGER DEFAULT 0,
    next_attempt_at TEXT,           -- after a failure: attempted again from here (backoff)
    last_error TEXT,
    claimed_by TEXT,                -- host:pid sending it right now; a claim older than 10 minutes is void
    claimed_at TEXT,
    sent_at TEXT,
    PRIMARY KEY (digest_id, channel)
);

-- The default sorts, facets and canned queries of db/metadata.yaml read these indexes instead of
-- the tables (an articles scan reads every text): see benchmarks/browse_bench.py.
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_script ON articles(script);
CREATE INDEX IF NOT EXISTS articles_is_announcement ON articles(is_announcement);
CREATE INDEX IF NOT EXISTS announcements_event_date ON announcements(event_date);
CREATE INDEX IF NOT EXISTS announcements_event_type ON announcements(event_type);
CREATE INDEX IF NOT EXISTS announcements_province ON announcements(province);
CREATE INDEX IF NOT EXISTS announcements_city ON announcements(city);
CREATE INDEX IF NOT EXISTS announcements_district ON announcements(district);
CREATE INDEX IF NOT EXISTS projects_investment ON projects(investment_cny);
CREATE INDEX IF NOT EXISTS projects_province ON projects(province);
CREATE INDEX IF NOT EXISTS projects_city ON projects(city);
CREATE INDEX IF NOT EXISTS projects_district ON projects(district);
CREATE INDEX IF NOT EXISTS project_mentions_outlet ON project_mentions(outlet);
CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs(source, id);
CREATE INDEX IF NOT EXISTS fetch_errors_source ON fetch_errors(source, at);
CREATE INDEX IF NOT EXISTS pages_seen_last_seen ON pages_seen(last_seen);
-- A crawl starts by reading its source's heads and failed pages (Store.pages_seen_of), not every page seen.
CREATE INDEX IF NOT EXISTS pages_seen_source ON pages_seen(source);
