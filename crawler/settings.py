"""Scrapy settings for every yrdwatch crawl. Per-run values (database, batch) are set by ``yrdwatch.crawler.run``."""

from yrdwatch.db.store import DEFAULT_DB
from yrdwatch.extract.dedup import DEFAULT_THRESHOLD

BOT_NAME = "yrdwatch"
SPIDER_MODULES = ["yrdwatch.crawler.spiders"]

# A clear, contactable User-Agent: small government sites deserve to know who is reading them.
# The contact comes from the config's [crawl] contact (see yrdwatch.config.user_agent).
USER_AGENT = "yrdwatch/0.1 (+https://github.com/yrdwatch/yrdwatch)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness: at most one request at a time per host, at least DOWNLOAD_DELAY seconds apart unless
# a source sets its own download_delay, more if robots.txt asks (Crawl-delay) or the site answers
# 429/503 (Retry-After, else exponential backoff): crawler.throttle.PoliteDelays, a downloader
# middleware beside Scrapy's own AutoThrottle, which slows down further for a slow site. The delay
# is a floor, so it is not randomised below itself, and AutoThrottle starts at it.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Faults: retry transient server errors and broken connections, cap page size, time out.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Names resolve to IPv4 and IPv6 addresses (getaddrinfo: A and AAAA records; Scrapy's default
# resolver asks gethostbyname, IPv4 only, so an IPv6-only host, even [::1], was never fetched), and
# the answer is cached: the network policy judges the very addresses the connection then uses.
# This resolver has no DNS_TIMEOUT of its own: the system resolver's timeouts apply.
TWISTED_DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"

# The network policy first; the politeness floor last, nearest the downloader (after robots.txt,
# retries and redirects), so that it spaces the requests that are actually sent.
DOWNLOADER_MIDDLEWARES = {"yrdwatch.crawler.middlewares.NetworkPolicy": 50, "yrdwatch.crawler.throttle.PoliteDelays": 950}
# Articles an earlier run fetched but could not store are requested again, whatever their listing says.
SPIDER_MIDDLEWARES = {"yrdwatch.crawler.refetch.RefetchLostArticles": 50}

ITEM_PIPELINES = {
    "yrdwatch.crawler.pipelines.ExtractPipeline": 100,
    "yrdwatch.crawler.pipelines.DedupPipeline": 200,
    "yrdwatch.crawler.pipelines.StorePipeline": 300,
}
EXTENSIONS = {"yrdwatch.crawler.extensions.RunRecorder": 500}

# Bounded work per source run (crawler.spiders.Limits): each cap, when hit, is a fetch_errors row
# of stage "limit" and a log warning; the rest waits for the next run.
YRDWATCH_MAX_REQUESTS = 5000  # requests a source run makes (heads and articles)
YRDWATCH_MAX_LINKS_PER_PAGE = 1000  # article links taken from one listing page or sitemap
YRDWATCH_MAX_FEED_ITEMS = 500  # entries taken from one feed
YRDWATCH_MAX_SITEMAP_DEPTH = 3  # sitemap indexes nested below the start URL; a sitemap is read once a run
YRDWATCH_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # a .xml.gz sitemap is refused beyond this size unzipped
# Seconds one page may take to read (crawler.pipelines.ExtractPipeline), counted from the start of
# its reading: over it, the page is a fetch_errors row of stage "extract" ("extraction took longer
# than N s") and the crawl goes on. Extraction is linear in the page's size (the rules read its first
# extract.article.ANALYSED_CHARS characters): a 5 MB page reads in a few seconds, so this is a guard.
YRDWATCH_EXTRACT_TIMEOUT = 60

LOG_LEVEL = "INFO"

# yrdwatch's own settings (overridden per run).
YRDWATCH_DB = str(DEFAULT_DB)
YRDWATCH_BATCH = None
YRDWATCH_DEDUP_THRESHOLD = DEFAULT_THRESHOLD
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 would open a control port per crawl
YRDWATCH_DEDUP_INDEX = "sqlite"  # where the LSH bands live: sqlite | memory | redis://host:port/db
