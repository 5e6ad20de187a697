"""Sending one stored digest to one channel: Apprise for e-mail, chat bots and webhooks, files for file://.

E-mail goes through Apprise's SMTP plugin with the HTML digest as body: Apprise adds the plain-text
alternative (converted from the HTML) and, with ``inline=yes`` (Apprise ≥ 2.2), sends the chart as
an RFC 2387 inline part whose Content-ID is its file name, which the HTML's ``cid:chart.png`` names.
Chat bots (DingTalk, WeCom, Feishu/Lark) and JSON webhooks get the Markdown digest; webhooks also
get the chart as an attachment. Chat bots cap a message's length (WeCom at 4096 bytes), so long
digests are split into several messages unless the URL sets its own ``overflow``.

Every attempt to deliver one digest carries the same idempotency key (:func:`idempotency_key`,
made of the digest's id and creation time): webhooks get it as the ``Idempotency-Key`` header and
the payload's ``idempotency_key``, e-mails as their ``Message-ID`` (:func:`message_id`: the key and
the channel), an ``X-Yrdwatch-Digest`` header and a ``References`` to ``<key@yrdwatch>``, so a
server or client that drops a Message-ID it has seen shows a re-sent digest once. A channel's
``timeout`` (Apprise's connect and read timeouts) bounds each
attempt; an attempt that timed out may have been delivered all the same, so it is retried with
the same key, and an endpoint that keeps the keys it has seen receives each digest once.

An e-mail comes from a named sender (``SENDER_NAME`` unless the URL sets Apprise's ``name``) and
carries a ``List-Unsubscribe`` header (RFC 2369): a mail to the sender asking to stop the
subscription, for whoever keeps the configuration file, unless the URL sets its own header.
"""
from __future__ import annotations

import functools
import logging
import re
import tempfile
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from yrdwatch.alerts.render import CHART_CID
from yrdwatch.extract.dates import local_time
from yrdwatch.alerts.subscriptions import ChannelError

FORMATS = ("html", "md", "atom", "png")
SENDER_NAME = "长三角新项目 yrdwatch"


class DeliveryError(RuntimeError):
    """The channel did not accept the digest; the message says why (secrets masked)."""


def file_stem(digest: dict) -> str:
    """``<subscription>-<date>-<id>`` (a preview has no id yet)."""
    return f"{digest['subscription']}-{local_time(digest['created_at'], '%Y-%m-%d')}-{digest.get('id') or 'preview'}"


def write_files(folder: Path, digest: dict, formats=FORMATS) -> list[Path]:
    """The digest's formats as files in ``folder``; the HTML's chart points at the PNG beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(digest)
    contents = {
        "html": digest["html"].replace(f'src="cid:{CHART_CID}"', f'src="{quote(stem)}.png"'),
        "md": digest["markdown"], "atom": digest["atom"], "png": digest["chart_png"],
    }
    written = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        if isinstance(contents[fmt], bytes):
            path.write_bytes(contents[fmt])
        else:
            path.write_text(contents[fmt], encoding="utf-8")
        written.append(path)
    return written


def send(channel, digest: dict, feed: str | None = None) -> str:
    """Deliver ``digest`` (a ``digests`` row) to ``channel``; returns where it went, raises DeliveryError."""
    if channel.kind == "file":
        try:
            paths = write_files(channel.folder, digest)
            if feed is not None:  # the subscription's rolling feed, for feed readers pointed at the folder
                (channel.folder / f"{digest['subscription']}.atom").write_text(feed, encoding="utf-8")
        except OSError as err:
            raise DeliveryError(f"cannot write to {channel.folder}: {err}") from None
        return str(paths[0].parent)
    try:
        url = channel.resolved_url()
    except ChannelError as err:
        raise DeliveryError(str(err)) from None
    try:
        _notify(channel.kind, url, digest, channel.timeout, channel.key)
    except Exception as err:  # whatever a plugin raises is this channel's failure, not the run's
        message = str(err) if isinstance(err, DeliveryError) else f"{type(err).__name__}: {err}"
        raise DeliveryError(_masked(message, channel.secret_values())) from None
    return channel.label


def _with_default(url: str, key: str, value: str) -> str:
    """``url`` with ``key=value`` added to its query unless the URL already sets that key."""
    query = url.partition("?")[2]
    if any(part.split("=", 1)[0] == key for part in query.split("&")):
        return url
    return f"{url}{'&' if '?' in url else '?'}{key}={value}"


def idempotency_key(digest: dict) -> str:
    """The same for every attempt to deliver one digest, different for any other digest:
    ``yrdwatch-digest-<id>-<created, UTC>`` (the time tells apart digests of two databases)."""
    created = "".join(ch for ch in digest["created_at"][:19] if ch.isdigit())
    return f"yrdwatch-digest-{digest['id']}-{created}"


def message_id(digest: dict, channel_key: str, sender: str) -> str:
    """The Message-ID of ``digest``'s mail to one channel (``Channel.key``): the same on every
    attempt, another for any other digest or channel; ``<key.channel@the sender's domain>``."""
    return f"<{idempotency_key(digest)}.{channel_key}@{sender.rpartition('@')[2] or 'yrdwatch'}>"


# Apprise's e-mail plugin gives every message a new Message-ID (email.utils.make_msgid, imported
# into its module), and a URL's +Message-ID header only adds a second Message-ID line before it,
# which RFC 5322 forbids (Gmail refuses such mail). It has no option for it (apprise 2.3,
# plugins/email/base.py), so while a digest is sent the plugin's make_msgid answers the digest's
# Message-ID; everywhere else, and in every other thread, it is Apprise's own.
_MESSAGE_ID: ContextVar[str | None] = ContextVar("yrdwatch_message_id", default=None)


def _stable_message_ids() -> None:
    from apprise.plugins.email import base

    original = base.make_msgid
    if hasattr(original, "__wrapped__"):  # installed already
        return

    @functools.wraps(original)
    def make_msgid(idstring=None, domain=None):
        return _MESSAGE_ID.get() or original(idstring, domain)

    base.make_msgid = make_msgid


def _notify(kind: str, url: str, digest: dict, timeout: float, channel_key: str) -> None:
    import apprise

    key = idempotency_key(digest)
    url = _with_default(_with_default(url, "cto", f"{timeout:g}"), "rto", f"{timeout:g}")
    if kind == "email":
        url, body, body_format = _with_default(url, "inline", "yes"), digest["html"], apprise.NotifyFormat.HTML
        # The Message-ID is the digest's (message_id, below); the key also goes in a header and in
        # References, which threads every copy of one digest together in a mail client.
        url = _with_default(_with_default(url, "+X-Yrdwatch-Digest", key), "+References", quote(f"<{key}@yrdwatch>"))
        url = _with_default(url, "name", quote(SENDER_NAME))
    else:
        body, body_format = digest["markdown"], apprise.NotifyFormat.MARKDOWN
        if kind == "chat":
            url = _with_default(url, "overflow", "split")
        elif kind == "webhook":
            url = _with_default(_with_default(url, "+Idempotency-Key", key), ":idempotency_key", key)
    # Apprise logs a refused login as a "Connection error" warning; the server's answer is only in
    # its debug lines, so those are captured too and read for it.
    with tempfile.TemporaryDirectory(prefix="yrdwatch-digest-") as tmp, \
            apprise.LogCapture(level=logging.DEBUG, fmt="%(levelname)s %(message)s") as log:
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise DeliveryError(f"Apprise cannot use the URL: {_warnings(log.getvalue()) or 'unsupported'}")
        stable_id = None
        if kind == "email":
            mailer = notifier[0]
            unsubscribe = quote(f"unsubscribe {digest['subscription']}")
            # Apprise's own sender address, known only once it parsed the URL (from=, else user@host).
            mailer.headers.setdefault("List-Unsubscribe", f"<mailto:{mailer.from_addr[1]}?subject={unsubscribe}>")
            _stable_message_ids()
            stable_id = _MESSAGE_ID.set(message_id(digest, channel_key, mailer.from_addr[1]))
        attachments = None
        if kind in ("email", "webhook"):
            chart = Path(tmp) / CHART_CID
            chart.write_bytes(digest["chart_png"])
            attachments = apprise.AppriseAttachment()
            attachments.add(str(chart))
        try:
            accepted = notifier.notify(title=digest["subject"], body=body, body_format=body_format,
                                       attach=attachments)
        finally:
            if stable_id is not None:
                _MESSAGE_ID.reset(stable_id)
        logged = log.getvalue()
    if not accepted:
        if kind == "email" and (answer := _SMTP_AUTH_REFUSED.search(logged)):
            parts = urlsplit(url)
            user = parse_qs(parts.query).get("user", [unquote(parts.username or "")])[0]
            raise DeliveryError(f"SMTP authentication failed for {user}@{parts.hostname} "
                                f"(the server answered {answer.group(1)} {answer.group(2).strip()})")
        raise DeliveryError(_warnings(logged) or "the channel did not accept the message")


# What smtplib's SMTPAuthenticationError / SMTPSenderRefused for a login look like in Apprise's debug
# line: (535, b'5.7.8 Authentication credentials invalid'); 534 asks for another mechanism or an app
# password, 530 for a login first.
_SMTP_AUTH_REFUSED = re.compile(r"Socket Exception: \((53[045]), b?['\"](.*?)['\"]\)")


def _warnings(logged: str) -> str:
    """The warnings and errors of Apprise's captured log, on one line."""
    lines = [line.split(" ", 1)[1] for line in logged.splitlines()
             if line.startswith(("WARNING ", "ERROR ", "CRITICAL "))]
    return " ".join(" ".join(lines).split())


def _masked(text: str, secrets: list[str]) -> str:
    """The error without any secret (raw or URL-quoted), for the outbox row and the terminal."""
    for secret in secrets:
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, "****")
    return text
