"""A digest's mail carries one Message-ID, the same on every attempt to deliver it to a channel
(issue 15: "a stable idempotency key (the digest id) in … mail Message-IDs"), through a real SMTP
server (aiosmtpd). A run killed after the server accepted the mail but before it recorded the
delivery leaves it pending; the next run sends it again, and the receiving server or client can drop
the copy by its Message-ID. Before, Apprise gave every attempt a new Message-ID, and a URL's
``+Message-ID`` only added a second Message-ID header."""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from yrdwatch.alerts.outbox import CLAIM_SECONDS

from conftest import invoke
from test_alerts_digest import PASSWORD, db, mail_config, mailbox  # noqa: F401  fixtures

pytestmark = pytest.mark.xdist_group("sample_crawl")  # the digest module's db: one parallel worker crawls once

MESSAGE_ID = re.compile(r"<yrdwatch-digest-1-\d{14}\.[0-9a-f]{16}@yrdwatch\.example\.org>")


def test_every_attempt_of_a_digest_to_a_channel_has_one_and_the_same_message_id(db, tmp_path, mailbox):
    second_channel = (f"mailto://digest:{{password}}@127.0.0.1:{mailbox.port}"
                      "?from=digest@yrdwatch.example.org&to=board@example.org")
    config = mail_config(tmp_path, mailbox, [second_channel])
    config.write_text(config.read_text(encoding="utf-8").replace(
        f'url = "{second_channel}"', f'url = "{second_channel}"\npassword_env = "YRDWATCH_TEST_SMTP_PASSWORD"'),
        encoding="utf-8")
    env = {"YRDWATCH_TEST_SMTP_PASSWORD": PASSWORD}
    mailbox.start()
    first = invoke("--db", db, "--config", config, "digest", env=env)
    assert first.exit_code == 0 and first.output.count(": sent") == 2, first.output
    team, board = sorted(mailbox.messages, key=lambda mail: mail["To"] != "team@example.org")
    for mail in (team, board):
        assert len(mail.get_all("Message-ID")) == 1, mail.get_all("Message-ID")
        assert MESSAGE_ID.fullmatch(mail["Message-ID"]), mail["Message-ID"]
        assert mail["Message-ID"].startswith(f"<{mail['X-Yrdwatch-Digest']}.")
    assert team["Message-ID"] != board["Message-ID"]  # one per channel

    # The run died after the server took the mail to team@, before it recorded so: the delivery is
    # pending, claimed by the dead run, and the claim is void once CLAIM_SECONDS have passed.
    dead_claim = (datetime.now(timezone.utc) - timedelta(seconds=CLAIM_SECONDS + 60)).isoformat(timespec="seconds")
    conn = sqlite3.connect(db)
    with conn:  # the first channel's delivery (deliveries are made in the configuration's order)
        changed = conn.execute("update digest_deliveries set status = 'pending', sent_at = null, claimed_by = 'gone:1', "
                               "claimed_at = ? where rowid = (select min(rowid) from digest_deliveries)",
                               [dead_claim]).rowcount
    conn.close()
    assert changed == 1
    again = invoke("--db", db, "--config", config, "digest", "--retry-now", env=env)
    assert again.output.count(": sent") == 1, again.output
    assert len(mailbox.messages) == 3 and mailbox.messages[-1]["To"] == "team@example.org"
    assert mailbox.messages[-1].get_all("Message-ID") == [team["Message-ID"]]
