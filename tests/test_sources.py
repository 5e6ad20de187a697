import pytest

from yrdwatch.crawler.sources import SEEDS_DIR, SourceError, load_sources, select

GOOD = """
[defaults]
schedule = "0 6 * * *"

[[sources]]
name = "a-listing"
outlet = "某区人民政府"
region = "江苏省"
kind = "listing"
start_urls = ["https://www.example.gov.cn/col/col1/index.html"]
allowed_domains = ["example.gov.cn"]

[[sources]]
name = "b-feed"
outlet = "某报"
region = "浙江省"
kind = "{kind}"
start_urls = ["https://news.example.com/rss.xml"]
allowed_domains = ["news.example.com"]
"""


def write(tmp_path, text):
    path = tmp_path / "seeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_seed_files_are_valid():
    sample = load_sources(SEEDS_DIR / "sample.toml")
    assert {s.kind for s in sample} == {"listing", "feed", "sitemap"}
    real = load_sources(SEEDS_DIR / "yrd.toml")
    assert len(real) >= 20 and not any(s.verified for s in real)


def test_valid_file_with_defaults(tmp_path):
    sources = load_sources(write(tmp_path, GOOD.format(kind="feed")))
    assert [s.name for s in sources] == ["a-listing", "b-feed"]
    assert sources[0].schedule == "0 6 * * *"
    assert [s.name for s in select(sources, ["b-feed"])] == ["b-feed"]


def test_bad_value_names_file_line_and_key(tmp_path):
    path = write(tmp_path, GOOD.format(kind="rss"))
    with pytest.raises(SourceError) as err:
        load_sources(path)
    assert f"{path}:17: sources[1].kind: 'rss' is not one of listing, feed, sitemap" == str(err.value)


@pytest.mark.parametrize("edit, fragment", [
    (lambda t: t.replace('start_urls = ["https://news.example.com/rss.xml"]', 'start_urls = ["ftp://x"]'),
     ":18: sources[1].start_urls: 'ftp://x' is not an http(s) URL"),
    (lambda t: t.replace('schedule = "0 6 * * *"', 'schedule = "daily"'), ":3: sources[0].schedule"),
    (lambda t: t.replace('name = "b-feed"', 'name = "a-listing"'), ":14: sources[1].name: duplicate"),
    (lambda t: t.replace('region = "浙江省"', 'region = "浙江省"\narticle_url_pattern = "(["'),
     ":17: sources[1].article_url_pattern: not a valid regular expression"),
    (lambda t: t.replace('region = "浙江省"', 'regoin = "浙江省"'), ":16: sources[1].regoin: unknown key"),
    (lambda t: t.replace('outlet = "某报"\n', ""), "sources[1]: missing required key 'outlet'"),
    (lambda t: t.replace('kind = "{kind}"', "kind = = 1"), "line 17"),
])
def test_errors_point_at_the_line(tmp_path, edit, fragment):
    path = write(tmp_path, edit(GOOD).format(kind="feed"))
    with pytest.raises(SourceError) as err:
        load_sources(path)
    assert fragment in str(err.value) and str(path) in str(err.value)


def test_unknown_source_name(tmp_path):
    with pytest.raises(SourceError, match="unknown source"):
        select(load_sources(write(tmp_path, GOOD.format(kind="feed"))), ["nope"])


def test_cli_reports_bad_seeds_file(tmp_path, run_cli):
    result = run_cli("sources", "--seeds", write(tmp_path, GOOD.format(kind="rss")))
    assert result.exit_code == 1
    assert "sources[1].kind" in result.output


@pytest.mark.parametrize("key, value, message", [
    ("schedule", "99 99 * * *", "is not a cron expression"),
    ("schedule", "*/0 6 * * *", "is not a cron expression"),
    ("schedule", "0 7 31 2 *", "never fires"),
    ("timezone", "Mars/Olympus", "is not a time zone"),
])
def test_schedules_and_zones_are_checked_on_load(tmp_path, run_cli, key, value, message):
    text = GOOD.format(kind="feed").replace('region = "浙江省"', f'region = "浙江省"\n{key} = "{value}"')
    path = write(tmp_path, text)
    with pytest.raises(SourceError, match=rf"{path}:17: sources\[1\]\.{key}: '.*' {message}"):
        load_sources(path)
    for command in ("crontab", "schedule"):  # refused before anything is printed or scheduled
        result = run_cli(command, "--seeds", path)
        assert result.exit_code == 1 and f"sources[1].{key}" in result.output and value + " " not in result.stdout


def test_duplicate_names_across_seeds_files_name_both_places(tmp_path, run_cli):
    first = write(tmp_path, GOOD.format(kind="feed"))
    second = tmp_path / "more.toml"
    second.write_text(GOOD.format(kind="feed").replace('name = "a-listing"', 'name = "c-listing"'), encoding="utf-8")
    result = run_cli("sources", "--seeds", first, "--seeds", second)
    assert result.exit_code == 1
    assert f"{second}:14: sources[1].name: duplicate source name 'b-feed' (also at {first}:14)" in result.output


def test_one_bad_source_does_not_stop_the_scheduler(tmp_path, caplog):
    from dataclasses import replace

    from yrdwatch.crawler.schedule import build_scheduler

    good, bad = load_sources(write(tmp_path, GOOD.format(kind="feed")))
    scheduler = build_scheduler(str(tmp_path / "db.sqlite"), [replace(bad, timezone="Mars/Olympus"), good], {}, None)
    assert [job.id for job in scheduler.get_jobs()] == ["a-listing"]
    assert "b-feed" in caplog.text and "not scheduled" in caplog.text
