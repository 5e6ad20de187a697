"""Digests end to end on a crawl of the sample sites: a real SMTP server (aiosmtpd) and a real
webhook server on 127.0.0.1 receive them, the outbox retries what failed and never sends twice,
and headless Chromium renders the HTML digest with scraped markup escaped."""
import email
from html import unescape as html_unescape
import json
import re
import sqlite3
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from lxml import etree, html as lxml_html

from yrdwatch.alerts.deliver import SENDER_NAME
from browser import chrome, dump_dom, needs_chromedriver, needs_chromium, nonblank_fraction, screenshot
from yrdwatch.extract.money import parse_amount

from conftest import ROOT, copy_database, invoke, unused_port

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

PASSWORD = "pa ss@w/rd:42"  # characters a URL must quote


@pytest.fixture
def db(sample_crawl, tmp_path):
    """The session's crawl of the sample sites; each test works on its own copy."""
    return copy_database(sample_crawl.db, tmp_path / "yrdwatch.db")


class Mailbox:
    """A real SMTP server on a fixed loopback port that can be down (not started) or up; it accepts
    one login, so the password must arrive from the environment variable."""

    def __init__(self):
        self.port, self.messages, self.logins, self.controller = unused_port(), [], [], None

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == PASSWORD
        self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self.authenticate,
                                     auth_require_tls=False)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


class Webhook(BaseHTTPRequestHandler):
    """Accepts every POST at once (``received``: payloads, ``requests``: path and Idempotency-Key),
    then answers after the server's ``delay`` seconds."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.server.requests.append((self.path, self.headers.get("Idempotency-Key")))
        time.sleep(self.server.delay)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    server.received, server.requests, server.delay = [], [], 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def write_config(tmp_path, body: str) -> Path:
    path = tmp_path / "yrdwatch.toml"
    path.write_text(body, encoding="utf-8")
    return path


def mail_config(tmp_path, mailbox, more_channels=()):
    """Suzhou and Wuxi, 5亿元 or more (undisclosed amounts left out), by e-mail (and ``more_channels``)."""
    more = "".join(f'\n[[subscriptions.channels]]\nurl = "{url}"\n' for url in more_channels)
    return write_config(tmp_path, f"""
[digest]
datasette_url = "https://data.example.org"

[[subscriptions]]
name = "suzhou-wuxi"
cities = ["苏州市", "无锡市"]
min_investment = "5亿元"
include_undisclosed = false
schedule = "0 8 * * *"

[[subscriptions.channels]]
url = "mailto://digest:{{password}}@127.0.0.1:{mailbox.port}?from=digest@yrdwatch.example.org&to=team@example.org"
password_env = "YRDWATCH_TEST_SMTP_PASSWORD"
{more}""")


def expected_projects(db_path) -> dict[str, int]:
    """The subscription's projects, straight from SQL: Suzhou or Wuxi, a yuan amount of 5亿 or more."""
    rows = sqlite3.connect(db_path).execute(
        "select name, investment_cny from projects where city in ('苏州市', '无锡市') and currency is null "
        "and investment_cny >= 500000000").fetchall()
    return dict(rows)


def test_smtp_down_then_up_delivers_exactly_once_with_everything(db, tmp_path, mailbox):
    config = mail_config(tmp_path, mailbox)
    env = {"YRDWATCH_TEST_SMTP_PASSWORD": PASSWORD}
    down = invoke("--db", db, "--config", config, "digest", env=env)
    assert down.exit_code == 1 and "FAILED" in down.output, down.output
    status = invoke("--db", db, "--config", config, "status", "--seeds", ROOT / "seeds" / "sample.toml")
    assert "Digests not delivered yet" in status.output and "mailto://digest:****@127.0.0.1" in status.output
    waiting = invoke("--db", db, "--config", config, "digest", env=env)  # within the backoff: not attempted
    assert waiting.exit_code == 0 and "no new projects" in waiting.output
    assert "1 failed delivery waits for the next attempt" in waiting.output

    mailbox.start()
    up = invoke("--db", db, "--config", config, "digest", "--retry-now", env=env)
    assert up.exit_code == 0, up.output
    assert "retry: digest #1" in up.output and ": sent" in up.output
    again = invoke("--db", db, "--config", config, "digest", "--retry-now", env=env)
    assert again.exit_code == 0 and "no new projects" in again.output and "sent" not in again.output
    assert len(mailbox.messages) == 1 and mailbox.logins == [("digest", True)]

    mail = mailbox.messages[0]
    key = mail["X-Yrdwatch-Digest"]
    assert key.startswith("yrdwatch-digest-1-") and mail["References"] == f"<{key}@yrdwatch>"
    expected = expected_projects(db)
    assert len(expected) >= 10
    assert mail["Subject"].startswith("长三角新项目｜suzhou-wuxi｜") and f"{len(expected)}个" in mail["Subject"]
    assert mail.get_content_type() == "multipart/related"
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    chart = next(p for p in mail.walk() if p.get_content_type() == "image/png")
    assert chart["Content-ID"] == "<chart.png>" and chart.get_content_disposition() == "inline"
    assert chart.get_content().startswith(b"\x89PNG") and 'src="cid:chart.png"' in html
    assert all(name in text for name in expected)

    page = lxml_html.fromstring(html)
    shown = [cell.text_content() for cell in page.xpath("//table[@class='projects']//span[@class='project']")]
    assert sorted(shown) == sorted(expected)  # each project once, nothing outside the filters
    cities = [h.text_content().split("｜")[0] for h in page.xpath("//h2[not(@id)]")]
    totals = {city: sum(v for n, v in expected.items() if n in city_projects(db, city)) for city in cities}
    assert cities == sorted(cities, key=lambda c: -totals[c])  # the city with more investment first
    for table in page.xpath("//table[@class='projects']"):
        amounts = [parse_amount(td.text_content())[0] for td in table.xpath(".//td[@class='amount']")]
        assert amounts == sorted(amounts, reverse=True)  # largest first within an industry
    # Datasette row links (under the configured address) and the original article, for every project.
    rows = page.xpath("//table[@class='projects']//a[starts-with(@href, 'https://data.example.org/yrdwatch/projects/')]")
    assert len(rows) == len(expected)
    articles = page.xpath("//table[@class='projects']//a[starts-with(text(), '原文')]/@href")
    assert len(articles) == len(expected)
    # The plain-text part (Apprise's conversion of the HTML) has every address, not only link texts.
    assert all(a.get("href") in text for a in rows) and all(href in text for href in articles)
    assert "127.0.0.1:8001" not in html
    # A named sender, and a way to ask to stop the subscription (RFC 2369).
    assert mail["From"].addresses[0].display_name == SENDER_NAME
    assert mail["From"].addresses[0].addr_spec == "digest@yrdwatch.example.org"
    assert mail["List-Unsubscribe"] == "<mailto:digest@yrdwatch.example.org?subject=unsubscribe%20suzhou-wuxi>"

    stored = sqlite3.connect(db)
    assert PASSWORD not in " ".join(str(v) for row in stored.execute("select * from digest_deliveries") for v in row)
    assert PASSWORD not in down.output + up.output + status.output
    assert stored.execute("select count(*) from digest_items").fetchone()[0] == len(expected)


def city_projects(db_path, city) -> set[str]:
    return {n for (n,) in sqlite3.connect(db_path).execute("select name from projects where city = ?", [city])}


def test_a_failing_channel_leaves_the_others_delivered_and_is_retried_alone(db, tmp_path, mailbox, webhook):
    mailbox.start()
    dead = unused_port()
    folder = tmp_path / "files"
    config = mail_config(tmp_path, mailbox, [f"json://127.0.0.1:{webhook.server_address[1]}/hook",
                                             f"json://127.0.0.1:{dead}/nobody-listens", f"file://{folder}"])
    env = {"YRDWATCH_TEST_SMTP_PASSWORD": PASSWORD}
    first = invoke("--db", db, "--config", config, "digest", env=env)
    assert first.exit_code == 1
    assert re.search(rf"json://127.0.0.1:{dead}/nobody-listens: FAILED \(.*Connection", first.output), first.output
    assert len(mailbox.messages) == 1 and len(webhook.received) == 1
    posted = webhook.received[0]
    assert posted["title"].startswith("长三角新项目｜suzhou-wuxi")
    assert "绿地(苏州)高科技产业有限公司" in posted["message"] and "](https://data.example.org/" in posted["message"]
    assert posted["attachments"][0]["filename"] == "chart.png"
    stem = next(folder.glob("*.html")).stem
    assert stem.startswith("suzhou-wuxi-") and stem.endswith("-1")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["suzhou-wuxi.atom", *(f"{stem}.{ext}" for ext in ("atom", "html", "md", "png"))])
    feed = feedparser.parse(folder / "suzhou-wuxi.atom")
    assert not feed.bozo and len(feed.entries) == len(expected_projects(db))

    retried = invoke("--db", db, "--config", config, "digest", "--retry-now", env=env)
    assert retried.exit_code == 1 and retried.output.count("FAILED") == 1  # only the dead channel again
    assert len(mailbox.messages) == 1 and len(webhook.received) == 1
    attempts = sqlite3.connect(db).execute("select attempts, next_attempt_at is not null, last_error "
                                           "from digest_deliveries where status = 'pending'").fetchall()
    assert len(attempts) == 1 and attempts[0][:2] == (2, 1) and "Connection" in attempts[0][2]
    as_json = invoke("--db", db, "--config", config, "status", "--json", "--seeds", ROOT / "seeds" / "sample.toml")
    pending = [json.loads(line) for line in as_json.output.splitlines() if '"subscription"' in line]
    assert [(p["channel"], p["attempts"]) for p in pending] == [(f"json://127.0.0.1:{dead}/nobody-listens", 2)]


def test_a_slow_webhook_gets_each_digest_once_within_its_timeout_and_one_key_on_every_attempt(db, tmp_path, webhook):
    """An endpoint that accepts at once but answers after 4 s: a channel whose timeout allows it
    receives the digest once; a channel whose timeout (1 s) gives up first is tried again, and
    both attempts carry the digest's one idempotency key, for the endpoint to drop the copy."""
    webhook.delay = 4
    port = webhook.server_address[1]
    config = write_config(tmp_path, f"""
[[subscriptions]]
name = "everything"

[[subscriptions.channels]]
url = "json://127.0.0.1:{port}/patient"
timeout = 10

[[subscriptions.channels]]
url = "json://127.0.0.1:{port}/hasty"
timeout = 1
""")
    first = invoke("--db", db, "--config", config, "digest")
    assert "/patient: sent" in first.output and "/hasty: FAILED" in first.output, first.output
    again = invoke("--db", db, "--config", config, "digest", "--retry-now")
    assert "retry: digest #1 → json://127.0.0.1" in again.output and "/hasty: FAILED" in again.output, again.output
    paths = [path for path, _ in webhook.requests]
    assert paths.count("/patient") == 1 and paths.count("/hasty") == 2
    keys = {key for _, key in webhook.requests}
    created = sqlite3.connect(db).execute("select created_at from digests where id = 1").fetchone()[0]
    assert keys == {f"yrdwatch-digest-1-{''.join(ch for ch in created[:19] if ch.isdigit())}"}
    assert {payload["idempotency_key"] for payload in webhook.received} == keys
    assert invoke("--db", db, "--config", config, "digest", "--retry-now").output.count("/patient") == 0


def test_a_channel_timeout_must_be_a_positive_number_of_seconds(db, tmp_path):
    config = write_config(tmp_path, """
[[subscriptions]]
name = "everything"

[[subscriptions.channels]]
url = "json://127.0.0.1:9/hook"
timeout = "soon"
""")
    result = invoke("--db", db, "--config", config, "digest")
    assert result.exit_code != 0 and "timeout 'soon' must be a number of seconds" in result.output, result.output


POISON = "\x1b[31m\ufffe\x00\x7f\x85\uffff"  # an escape sequence, noncharacters, NUL, DEL, a C1 control
UNPRINTABLE = "\x1b\ufffe\x00\x7f\x85\uffff"


def poison_every_text(db_path) -> None:
    """Control and non-characters in every stored text a digest shows (as pages stored before
    reading stripped them left them), and one project whose first sighting is no date at all."""
    db = sqlite3.connect(db_path)
    for table, columns in (("projects", ("name", "province", "city", "district", "park")),
                           ("announcements", ("event_type", "event_date", "parties", "industries",
                                              "investment_qualifier")),
                           ("articles", ("title", "outlet")), ("project_mentions", ("outlet",))):
        for column in columns:
            db.execute(f"update {table} set {column} = ? || coalesce({column}, '') || ?", [POISON, POISON])
    # JSON arrays keep their shape: the poison goes inside each element.
    db.execute("update announcements set parties = json_array(? || '党委' || ?), industries = json_array(? || '集成电路')",
               [POISON, POISON, POISON])
    db.execute("update projects set first_seen = 'not a time' where id = (select min(id) from projects)")
    db.commit()


def test_a_digest_with_control_characters_in_every_field_goes_out(db, tmp_path, mailbox, caplog):
    poison_every_text(db)
    mailbox.start()
    folder = tmp_path / "files"
    config = write_config(tmp_path, f"""
[[subscriptions]]
name = "everything"

[[subscriptions.channels]]
url = "mailto://digest:{{password}}@127.0.0.1:{mailbox.port}?from=digest@yrdwatch.example.org&to=team@example.org"
password_env = "YRDWATCH_TEST_SMTP_PASSWORD"

[[subscriptions.channels]]
url = "file://{folder}"
""")
    with caplog.at_level("WARNING", logger="yrdwatch.alerts.digest"):
        result = invoke("--db", db, "--config", config, "digest", env={"YRDWATCH_TEST_SMTP_PASSWORD": PASSWORD})
    assert result.exit_code == 0 and result.output.count(": sent") == 2, result.output
    projects = sqlite3.connect(db).execute("select count(*) from projects").fetchone()[0]
    assert f"{projects - 1} new projects" in result.output  # all but the one whose row cannot be shown
    assert any("left out of the digest" in r.getMessage() for r in caplog.records)
    (mail,) = mailbox.messages
    html = mail.get_body(("html",)).get_content()
    assert "党委" in html and not any(ch in html for ch in UNPRINTABLE)
    for atom in folder.glob("*.atom"):  # the digest's feed and the subscription's rolling feed
        tree = etree.parse(str(atom))  # strict XML: a control character would fail here
        assert len(tree.findall("{http://www.w3.org/2005/Atom}entry")) == projects - 1
    lxml_html.fromstring(next(folder.glob("*.html")).read_text(encoding="utf-8"))
    assert not any(ch in next(folder.glob("*.md")).read_text(encoding="utf-8") for ch in UNPRINTABLE)
    dry = invoke("--db", db, "--config", config, "digest", "--dry-run", "--since", "3650d")
    assert dry.exit_code == 0, dry.output


def test_filters_keywords_in_traditional_and_dry_run(db, tmp_path):
    # A keyword written in Traditional (汽車) matches the Simplified analysis text; event types filter too.
    config = write_config(tmp_path, """
[[subscriptions]]
name = "cars"
event_types = ["签约", "投产"]
keywords = ["汽車"]
""")
    result = invoke("--db", db, "--config", config, "digest", "--dry-run")
    assert result.exit_code == 0, result.output
    names = re.findall(r"^\d+\. \*\*(.+?)\*\*", result.output, re.M)
    expected = {n for (n,) in sqlite3.connect(db).execute(
        """select distinct p.name from projects p join project_mentions m on m.project_id = p.id
           join announcements a on a.id = m.announcement_id join articles r on r.url = m.article_url
           where a.event_type in ('签约', '投产') and (p.name like '%汽车%' or a.industries like '%汽车%'
                 or a.parties like '%汽车%' or r.title like '%汽车%' or r.title like '%汽車%')""")}
    # the name as the page writes it, its company in front (as the corpus labels do: shared c007)
    assert sorted(names) == sorted(expected) and "江苏锐铂精密科技有限公司新能源汽车动力电池精密结构件项目" in names
    assert "智能网联汽车测试验证中心" not in names  # 揭牌: not an event type asked for
    assert sqlite3.connect(db).execute("select count(*) from digests").fetchone()[0] == 0
    atom = invoke("--db", db, "--config", config, "digest", "--dry-run", "--format", "atom")
    # The feed is what the command prints on stdout: click's `output` also holds stderr (a log line
    # such as the chart's missing-font warning would then sit in front of the XML).
    feed = feedparser.parse(atom.stdout)
    assert not feed.bozo, (feed.bozo_exception, atom.stderr[:2000])
    assert [e.title.split("（")[0] for e in feed.entries] == names


def test_a_project_stored_after_a_digest_with_an_older_first_seen_is_in_the_next_one(db, tmp_path):
    # A digest made "an hour from now" stands for a crawl that commits rows stamped before a digest
    # ran (a slow worker, a late transaction): those rows must reach the next digest all the same.
    from yrdwatch.alerts.digest import run_subscription
    from yrdwatch.alerts.outbox import utc_now
    from yrdwatch.config import load_config

    config = load_config(write_config(
        tmp_path, f'[[subscriptions]]\nname = "late"\nchannels = ["file://{tmp_path}/f"]\n'))
    later = utc_now() + timedelta(hours=1)
    outcomes = run_subscription(db, config, config.subscriptions[0], now=later)
    assert any("digest #1" in o.text for o in outcomes) and not any(o.failed for o in outcomes)
    page = tmp_path / "planted.html"
    page.write_text(PLANTED, encoding="utf-8")
    assert invoke("--db", db, "ingest", page).exit_code == 0
    result = invoke("--db", db, "--config", tmp_path / "yrdwatch.toml", "digest")
    assert "digest #2: 1 new project," in result.output, result.output
    stored = sqlite3.connect(db)
    (name, first_seen), = stored.execute(
        "select p.name, p.first_seen from digest_items d join projects p on p.id = d.project_id where d.digest_id = 2")
    assert name == "星河<b>智造</b>基地项目"
    assert first_seen < stored.execute("select created_at from digests where id = 1").fetchone()[0]


def test_scraped_markup_is_text_in_every_format(db, tmp_path):
    page = tmp_path / "planted.html"
    page.write_text(PLANTED, encoding="utf-8")
    assert invoke("--db", db, "ingest", page).exit_code == 0
    out = tmp_path / "out"
    result = invoke("--db", db, "digest", "--dry-run", "--out", out)
    assert result.exit_code == 0, result.output
    html_file = next(out.glob("*.html"))
    html = html_file.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>智造</b>" not in html
    assert "星河&lt;b&gt;智造&lt;/b&gt;基地项目" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = next(out.glob("*.md")).read_text(encoding="utf-8")
    line = next(ln for ln in markdown.splitlines() if "星河" in ln)
    assert r"星河\<b\>智造\<\/b\>" in line or r"星河\<b\>智造\</b\>" in line
    title_link = next(ln for ln in markdown.splitlines() if "alert(1)" in ln)
    assert r"项目\](http://evil.example/x) \| 表格](file://" in title_link  # no injected link, no table cell
    atom = feedparser.parse(next(out.glob("*.atom")))
    entry = next(e for e in atom.entries if "星河" in e.title)
    assert "<b>" in entry.title and "&lt;b&gt;智造&lt;/b&gt;" in entry.content[0].value


@needs_chromium
def test_chromium_renders_the_digest_table_chart_and_cjk_text(db, tmp_path):
    page = tmp_path / "planted.html"
    page.write_text(PLANTED, encoding="utf-8")
    invoke("--db", db, "ingest", page)
    out = tmp_path / "out"
    assert invoke("--db", db, "digest", "--dry-run", "--out", out).exit_code == 0
    digest_file = next(out.glob("*.html"))
    # A same-folder page loads the digest in a frame and reports what rendered: the chart image
    # decoded with a size, the project tables' rows, and whether any planted markup became elements.
    probe = out / "probe.html"
    probe.write_text(PROBE.replace("DIGEST", digest_file.name), encoding="utf-8")
    with _serve(out) as base:
        dom = dump_dom(f"{base}/probe.html")
        shot = screenshot(f"{base}/{digest_file.name}", tmp_path / "artefacts" / "digest.png", size="1280,2400")
    print(f"digest screenshot: {shot}")
    report = json.loads(html_unescape(re.search(r'<pre id="report">(.*?)</pre>', dom, re.S).group(1)))
    assert report["chartWidth"] == 720 and report["chartNaturalWidth"] > 300
    assert report["projectRows"] >= 50 and "苏州市" in report["headings"][0]
    assert report["scripts"] == 0 and report["bold"] == 0  # the planted <script> and <b> are no elements
    assert "星河<b>智造</b>基地项目" in report["text"]  # shown as text, not as markup
    assert nonblank_fraction(shot) > 0.05


# Each project row's cells (amount, event and date overlapped at 414 px before): no cell's text
# runs out of its cell into the next or off the screen, and the page never scrolls sideways.
PHONE_LAYOUT = """
const rows = [...document.querySelectorAll('table.projects tr')].filter(r => r.querySelector('td'));
let overlaps = 0, outside = 0, example = null;
for (const row of rows) {
  for (const cell of row.querySelectorAll('td')) {
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    for (const text of range.getClientRects()) {  // each line box of the cell's text
      if (text.left < box.left - 0.5 || text.right > box.right + 0.5) { overlaps++; example = example || cell.textContent; }
      if (text.left < -0.5 || text.right > window.innerWidth + 0.5) { outside++; example = example || cell.textContent; }
    }
  }
}
return {rows: rows.length, overflow_px: document.documentElement.scrollWidth - window.innerWidth,
        overlaps: overlaps, outside: outside, example: example};
"""


@needs_chromedriver
@pytest.mark.parametrize("size", [(414, 896), (1280, 900)], ids=["414", "1280"])
def test_the_digest_reads_on_a_phone_without_overlapping_cells_or_sideways_scrolling(db, tmp_path, size):
    out = tmp_path / "out"
    assert invoke("--db", db, "digest", "--dry-run", "--out", out).exit_code == 0
    digest_file = next(out.glob("*.html"))
    with _serve(out) as base, chrome(*size) as driver:
        driver.get(f"{base}/{digest_file.name}")
        measured = driver.execute_script(PHONE_LAYOUT)
    assert measured["rows"] >= 30, measured
    assert measured["overflow_px"] <= 1 and measured["overlaps"] == 0 and measured["outside"] == 0, measured


class _serve:
    """The digest folder over HTTP on loopback (frames of file:// pages are opaque to each other)."""

    def __init__(self, folder):
        class Quiet(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="d" src="DIGEST" style="width:1200px;height:800px"></iframe><pre id="report"></pre>
<script>
document.getElementById("d").addEventListener("load", () => {
  const w = document.getElementById("d").contentWindow, doc = w.document, img = doc.querySelector("img");
  const done = () => { document.getElementById("report").textContent = JSON.stringify({
    chartWidth: img.width, chartNaturalWidth: img.naturalWidth,
    projectRows: doc.querySelectorAll("table.projects tr td:first-child").length,
    headings: [...doc.querySelectorAll("h2")].map(h => h.textContent),
    scripts: doc.querySelectorAll("script").length, bold: doc.querySelectorAll("td b").length,
    text: doc.body.innerText }); };
  img.complete ? done() : img.addEventListener("load", done);
});
</script></body></html>"""

PLANTED = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>&lt;script&gt;alert(1)&lt;/script&gt;梁溪区签约&lt;b&gt;粗体&lt;/b&gt;项目](http://evil.example/x) | 表格</title></head>
<body><div class="article"><h1>&lt;script&gt;alert(1)&lt;/script&gt;梁溪区签约&lt;b&gt;粗体&lt;/b&gt;项目](http://evil.example/x) | 表格</h1>
<p>发布时间：2024-06-12 10:00　来源：梁溪区融媒体中心</p>
<p>6月11日，无锡市梁溪区人民政府与江苏星河&lt;b&gt;粗体&lt;/b&gt;科技有限公司签约“星河&lt;b&gt;智造&lt;/b&gt;基地项目”，项目总投资约12亿元，主要建设高端装备智能制造生产线。</p>
<p>该项目落户梁溪科技城，计划于2025年建成投产，达产后预计年产值超30亿元。梁溪区相关负责人表示，将全力做好项目服务保障工作，推动项目早开工、早投产、早见效。</p>
<p>近年来，梁溪区持续优化营商环境，聚焦高端装备、智能制造等重点产业，加大招商引资力度，一批优质项目相继落地。</p>
</div></body></html>
"""
