"""Sending one stored digest to one channel: Apprise for e-mail, chat bots and webhooks, files for file://.

E-mail goes through Apprise's SMTP plugin with the HTML digest as body: Apprise adds the plain-text
alternative (converted from the HTML) and, with ``inline=yes`` (Apprise ≥ 2.2), sends the chart as
an RFC 2387 inline part whose Content-ID is its file name, which the HTML's ``cid:chart.png`` names.
Chat bots (DingTalk, WeCom, Feishu/Lark) and JSON webhooks get the Markdown digest; webhooks also
get the chart as an attachment. Chat bots cap a message's length (WeCom at 4096 bytes), so long
digests are split into several messages unless the URL sets its own ``overflow``.

Every attempt to deliver one digest carries the same idempotency key (:func:`idempotency_key`,
made of the digest's id and creation time): webhooks get it as the ``Idempotency-Key`` header and
the payload's ``idempotency_key``, e-mails as an ``X-Yrdwatch-Digest`` header and a ``References``
to ``<key@yrdwatch>``. A channel's ``timeout`` (Apprise's connect and read timeouts) bounds each
attempt; an attempt that timed out may have been delivered all the same, so it is retried with
the same key, and an endpoint that keeps the keys it has seen receives each digest once.
"""
from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from yrdwatch.alerts.render import CHART_CID
from yrdwatch.extract.dates import local_time
from yrdwatch.alerts.subscriptions import ChannelError

FORMATS = ("html", "md", "atom", "png")


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
        _notify(channel.kind, url, digest, channel.timeout)
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


def _notify(kind: str, url: str, digest: dict, timeout: float) -> None:
    import apprise

    key = idempotency_key(digest)
    url = _with_default(_with_default(url, "cto", f"{timeout:g}"), "rto", f"{timeout:g}")
    if kind == "email":
        url, body, body_format = _with_default(url, "inline", "yes"), digest["html"], apprise.NotifyFormat.HTML
        # Apprise makes its own Message-ID; the key goes in a header and in References, which
        # threads every copy of one digest together in a mail client.
        url = _with_default(_with_default(url, "+X-Yrdwatch-Digest", key), "+References", quote(f"<{key}@yrdwatch>"))
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
        attachments = None
        if kind in ("email", "webhook"):
            chart = Path(tmp) / CHART_CID
            chart.write_bytes(digest["chart_png"])
            attachments = apprise.AppriseAttachment()
            attachments.add(str(chart))
        accepted = notifier.notify(title=digest["subject"], body=body, body_format=body_format, attach=attachments)
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
