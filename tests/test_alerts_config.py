"""Subscriptions in the configuration file: what a good one becomes, and bad ones refused with
file, line and key before any digest is made."""
import pytest

from yrdwatch.alerts.subscriptions import ChannelError
from yrdwatch.config import ConfigError, load_config

GOOD = """
[digest]
datasette_url = "https://data.example.org"
backfill_days = 2

[[subscriptions]]
name = "wuxi"
cities = ["無錫"]
industries = ["集成电路"]
keywords = ["晶圓"]
min_investment = "5000万元"
include_undisclosed = false
schedule = "30 7 * * 1-5"
channels = ["file://out/wuxi", { url = "dingtalk://{token}/", token_env = "DT_TOKEN" }]

[[subscriptions]]
name = "all-mail"

[[subscriptions.channels]]
url = "mailtos://digest:{password}@smtp.example.com?to=team@example.com"
password_env = "SMTP_PASSWORD"
"""


def write(tmp_path, text):
    path = tmp_path / "yrdwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_subscription(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    wuxi, mail = config.subscriptions
    assert config.datasette_url == "https://data.example.org" and config.backfill_days == 2
    assert wuxi.cities == ("无锡",) and wuxi.keywords == ("晶圆",)  # Traditional filters become Simplified
    assert wuxi.min_investment == 50_000_000 and wuxi.include_undisclosed is False
    folder, bot = wuxi.channels
    assert folder.kind == "file" and folder.folder == tmp_path / "out" / "wuxi"  # beside the config file
    assert bot.kind == "chat" and bot.resolved_url({"DT_TOKEN": "abc123"}) == "dingtalk://abc123/"
    assert bot.label.startswith("dingtalk://") and "secret" not in bot.label and bot.key != folder.key
    smtp = mail.channels[0]
    assert smtp.resolved_url({"SMTP_PASSWORD": "a@b/c"}) == \
        "mailtos://digest:a%40b%2Fc@smtp.example.com?to=team@example.com"  # quoted: @ and / are URL syntax
    assert smtp.label == "mailtos://digest:****@smtp.example.com/team%40example.com"
    with pytest.raises(ChannelError, match="SMTP_PASSWORD"):
        smtp.resolved_url({})
    assert mail.schedule == "0 8 * * *" and mail.filters() == {}


@pytest.mark.parametrize("entry, line, message", [
    ('name = "x"\ncountries = ["中国"]', 3, "subscriptions[0].countries: unknown key"),
    ('name = "x"\nschedule = "0 8 * *"', 3, "subscriptions[0].schedule: '0 8 * *' is not a cron expression"),
    ('name = "x"\nschedule = "0 25 * * *"', 3, "subscriptions[0].schedule"),
    ('name = "x"\nchannels = ["slack://a/b/c"]', 3, "scheme 'slack' is not one of mailto, mailtos, dingtalk"),
    ('name = "x"\nchannels = ["mailto://localhost?to=nobody"]', 3, "Apprise cannot use it"),
    ('name = "x"\nchannels = [{ url = "dingtalk://{token}/" }]', 3, "{token} needs token_env"),
    ('name = "x"\nchannels = [{ url = "dingtalk://abc/", token_env = "T" }]', 3, "the URL has no {token}"),
    ('name = "x"\nindustries = ["芯片"]', 3, "subscriptions[0].industries: '芯片' is not one of 人工智能"),
    ('name = "x"\nevent_types = ["剪彩"]', 3, "subscriptions[0].event_types: '剪彩' is not one of 签约"),
    ('name = "x"\nmin_investment = "很多"', 3, "subscriptions[0].min_investment"),
    ('name = "x"\ncities = "无锡"', 3, "subscriptions[0].cities: must be a list"),
    ('cities = ["无锡"]', 1, "subscriptions[0].name: required"),  # the table's header
])
def test_a_bad_subscription_is_refused_with_file_line_and_key(tmp_path, entry, line, message):
    path = write(tmp_path, f"[[subscriptions]]\n{entry}\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:{line}: "), err.value
    assert message in str(err.value)


def test_the_second_subscription_is_named_by_index_and_line(tmp_path):
    path = write(tmp_path, '[[subscriptions]]\nname = "a"\n\n[[subscriptions]]\nname = "a"\n')
    with pytest.raises(ConfigError, match=r":5: subscriptions\[1\]\.name: 'a' is used by another subscription"):
        load_config(path)


def test_bad_digest_settings(tmp_path):
    with pytest.raises(ConfigError, match=r":2: digest\.datasette_url: must be an http"):
        load_config(write(tmp_path, '[digest]\ndatasette_url = "127.0.0.1:8001"\n'))
    with pytest.raises(ConfigError, match=r":1: unknown section \[digests\] .*subscriptions"):
        load_config(write(tmp_path, '[digests]\nx = 1\n'))
