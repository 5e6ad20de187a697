"""Output for people: tables that line up with Chinese text, Beijing time in what a person reads,
crontab lines that give cron jobs their secrets, an SMTP login refused said as such, and tests that
no configuration file in the working directory reaches."""
import re
import sqlite3
import subprocess
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from wcwidth import wcswidth

from yrdwatch.config import Config, load_config

from conftest import ROOT, copy_database, invoke, run_until_sigterm

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

PASSWORD = "s3cret pass"


@pytest.fixture
def crawled(sample_crawl):
    """The session's crawl of the sample sites: (database, seeds file)."""
    return sample_crawl.db, sample_crawl.seeds


@pytest.fixture
def db(crawled, tmp_path):
    return copy_database(crawled[0], tmp_path / "yrdwatch.db")


class Mailbox:
    """A real SMTP server on loopback that takes one login: digest / PASSWORD."""

    def __init__(self, port):
        self.messages, self.logins = [], []
        self.controller = Controller(self, hostname="127.0.0.1", port=port, authenticator=self.authenticate,
                                     auth_require_tls=False)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == PASSWORD
        self.logins.append(ok)
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def mailbox(free_port):
    box = Mailbox(free_port)
    box.port = free_port
    box.controller.start()
    yield box
    box.controller.stop()


def mail_config(tmp_path, port):
    path = tmp_path / "yrdwatch.toml"
    path.write_text(f"""
[[subscriptions]]
name = "everything"
schedule = "0 8 * * *"

[[subscriptions.channels]]
url = "mailto://digest:{{password}}@127.0.0.1:{port}?from=digest@yrdwatch.example.org&to=team@example.org"
password_env = "YRDWATCH_TEST_SMTP_PASSWORD"
""", encoding="utf-8")
    return path


def test_tables_with_chinese_text_line_up():
    lines = invoke("sources", "--seeds", ROOT / "seeds" / "yrd.toml").stdout.splitlines()
    url_column = lines[1].rindex(" ") + 1  # the last column, the start URL, starts there on screen
    assert len(lines) > 20 and all(re.search("[\u4e00-\u9fff]", line) for line in lines[2:])
    for line in lines[2:]:  # a Chinese character takes two columns of the terminal
        assert wcswidth(line[:line.index("http")]) == url_column, line


def test_status_shows_beijing_time_and_says_so(db, crawled):
    out = invoke("--db", db, "status", "--seeds", crawled[1]).stdout
    header, _, first = out.splitlines()[:3]
    assert "last run (Beijing)" in header and "next run (Beijing)" in header and "UTC" not in header
    started = sqlite3.connect(db).execute(
        "select started_at from crawl_runs where source = 'sample-liangxi' order by id desc").fetchone()[0]
    beijing = datetime.fromisoformat(started).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert first.startswith("sample-liangxi") and beijing in first and "+00:00" not in first


def test_crontab_lines_load_the_secrets_cron_does_not_give(db, crawled, tmp_path, mailbox):
    config = mail_config(tmp_path, mailbox.port)
    with config.open("a", encoding="utf-8") as more:  # a subscription whose channel needs no secret
        more.write('\n[[subscriptions]]\nname = "to-files"\nchannels = ["file://digests"]\n')
    env_file = tmp_path / "yrdwatch.env"
    result = invoke("--db", db, "--config", config, "crontab", "--seeds", crawled[1], "--log", tmp_path / "cron.log")
    assert f"Note: {env_file} does not exist yet: write YRDWATCH_TEST_SMTP_PASSWORD into it" in result.stderr
    lines = result.stdout.splitlines()
    assert "# YRDWATCH_TEST_SMTP_PASSWORD must be set there, for everything: mailto://digest:****@127.0.0.1" in \
        "\n".join(lines)
    (digest_line,) = [line for line in lines if " digest --subscription everything " in line]
    assert f"set -a && . {env_file} && set +a && " in digest_line
    (files_line,) = [line for line in lines if " digest --subscription to-files " in line]
    assert str(env_file) not in files_line
    assert all(". " + str(env_file) not in line for line in lines if " crawl " in line)  # crawls need no secret

    # Run the line as cron does: /bin/sh, an almost empty environment. PYTHONPATH makes this checkout's
    # yrdwatch the one that runs, whichever is installed.
    env_file.write_text(f"YRDWATCH_TEST_SMTP_PASSWORD='{PASSWORD}'\nPYTHONPATH='{ROOT}'\n", encoding="utf-8")
    command = digest_line.split(" ", 5)[5]
    subprocess.run(["sh", "-c", command], env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=300, check=True)
    log = (tmp_path / "cron.log").read_text(encoding="utf-8")
    assert ": sent" in log, log
    assert mailbox.logins == [True] and len(mailbox.messages) == 1


def test_an_smtp_login_refused_is_said_as_such(db, tmp_path, mailbox):
    config = mail_config(tmp_path, mailbox.port)
    result = invoke("--db", db, "--config", config, "digest", env={"YRDWATCH_TEST_SMTP_PASSWORD": "wrong"})
    assert result.exit_code == 1
    assert ("FAILED (SMTP authentication failed for digest@127.0.0.1 (the server answered 535 5.7.8 "
            "Authentication credentials invalid))") in result.stdout, result.stdout
    assert "Connection error" not in result.stdout and "wrong" not in result.stdout
    assert mailbox.logins and not any(mailbox.logins) and not mailbox.messages


def test_a_readme_style_configuration_in_the_working_directory_does_not_reach_the_tests(tmp_path, monkeypatch):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mine.toml").write_text((ROOT / "seeds" / "yrd.toml").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"### Configuration.*?```toml\n(.*?)```", readme, re.S).group(1)
    assert "[database]" in example and "seeds" in example
    (tmp_path / "yrdwatch.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config().db_path == Config.db_path and load_config().seeds == ()
    listed = invoke("sources")
    assert "sample-liangxi" in listed.stdout and "shanghai-gov-news" not in listed.stdout
    # Without the fixture's isolation the file is read: it is a working configuration.
    monkeypatch.delenv("YRDWATCH_CONFIG")
    leaked = load_config()
    assert leaked.path.name == "yrdwatch.toml" and leaked.seeds == (tmp_path / "seeds" / "mine.toml",)
    assert "shanghai-gov-news" in invoke("sources").stdout


def test_schedule_says_its_next_runs_in_beijing_time(tmp_path):
    seeds = tmp_path / "london.toml"
    seeds.write_text('[[sources]]\nname = "london"\noutlet = "伦敦"\nregion = "英国"\nkind = "feed"\n'
                     'start_urls = ["https://example.org/rss.xml"]\nallowed_domains = ["example.org"]\n'
                     'schedule = "0 7 * * *"\ntimezone = "Europe/London"\n', encoding="utf-8")
    _, _, err = run_until_sigterm(["--db", tmp_path / "y.db", "schedule", "--seeds", seeds],
                                  done=lambda err: "london: next" in err, timeout=60)
    zone = ZoneInfo("Europe/London")
    london = datetime.now(zone)
    day = london.date() if london.time() < time(7) else london.date() + timedelta(days=1)
    seven = datetime.combine(day, time(7), zone)
    beijing = seven.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"london: next {beijing} Beijing time (0 7 * * *, Europe/London)" in err, err
