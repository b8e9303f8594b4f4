"""How broadcasts read: an audience in words, recipient counts per language, the message as a
partner sees it (their version, or the default one marked "(in English)"), the live progress
line and the final report. Pure functions of a Translator and stored values."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel import Locale

from bot.i18n import N_, Catalogs, Html, Translator, escape
from bot.localized import pick
from handlers.profile.steps import STAKEHOLDER_LABELS, stakeholder_label
from handlers.shared.cards import chat_title
from storage.models import Broadcast, BroadcastStatus, DeliveryStatus, Landscape, LinkedChat, Role

TELEGRAM_TEXT_MAX = 4096  # after entity parsing
_TAG = re.compile(r"<[^>]*>")
REASONS_SHOWN = 10  # the most frequent; a report must fit one message
ROLE_LABELS = {
    Role.PARTNER: N_("Partners"),
    Role.COORDINATOR: N_("Coordinators"),
    Role.ADMIN: N_("Admins"),
}
STATUS_LABELS = {
    BroadcastStatus.SCHEDULED: N_("scheduled"),
    BroadcastStatus.SENDING: N_("sending"),
    BroadcastStatus.DONE: N_("sent"),
    BroadcastStatus.CANCELLED: N_("cancelled"),
}
# The audience filters a coordinator can narrow, in the order the panel shows them.
FACETS = {
    "l": ("landscapes", N_("Landscapes")),
    "k": ("kinds", N_("Stakeholder types")),
    "g": ("languages", N_("Languages")),
    "r": ("roles", N_("Roles")),
}
CHATS = N_("Linked groups and channels")
CHATS_CHOICES = {"no": N_("not included"), "also": N_("included"), "only": N_("only them")}
CHAT_OUTCOMES = {
    DeliveryStatus.SENT: N_("delivered"),
    DeliveryStatus.BLOCKED: N_("removed me, so it is unlinked"),
    DeliveryStatus.FAILED: N_("failed"),
    DeliveryStatus.SKIPPED: N_("not sent"),
    DeliveryStatus.PENDING: N_("still to send"),
    DeliveryStatus.SENDING: N_("still to send"),
}
CHATS_SHOWN = 10  # in a report, by title: with the reasons it must still fit one message
KIND_VALUES = tuple(STAKEHOLDER_LABELS)
ROLE_VALUES = tuple(ROLE_LABELS)


def nobody(t: Translator) -> str:
    return t.gettext("No one matches this audience. Change the choices, or press Cancel.")


def marker(t: Translator, language: str) -> str:
    """ "(in English)", telling a reader the message is not in their language."""
    name = Locale.parse(language).get_display_name(t.locale) or language
    return t.gettext("<i>(in {language})</i>", language=name)


def message_html(t: Translator, texts: Mapping[str, str], default: str) -> str:
    """The stored (already escaped) message in the reader's language, else the default one
    followed by the marker."""
    text, fallback = pick(texts, t.language, default)
    return text if fallback is None else f"{text}\n\n{marker(t, fallback)}"


def longest_marker(catalogs: Catalogs, language: str) -> int:
    """Room the marker for `language` takes, in the shipped language where it is longest."""
    return max(visible_length("\n\n" + marker(t, language)) for t in catalogs.translators())


def visible_length(text: str) -> int:
    """What Telegram counts against its limit: the text once its HTML is parsed, in UTF-16
    code units (an emoji counts twice)."""
    shown = html.unescape(_TAG.sub("", text))
    return len(shown.encode("utf-16-le")) // 2


def value_label(t: Translator, facet: str, value: str) -> str:
    if facet == "kinds":
        return stakeholder_label(t, value)
    if facet == "roles":
        return t.gettext(ROLE_LABELS[Role(value)])
    return t.language_name(value)


def audience_summary(
    t: Translator,
    audience: Mapping[str, Any],
    programme: str | None,
    landscapes: Iterable[Landscape],
) -> str:
    """ "FLRM · FLRM Cambodia · Community group · Français": who a broadcast is for."""
    parts = [escape(programme) if programme else t.gettext("Everyone")]
    names = [escape(landscape.name) for landscape in landscapes]
    if names:
        parts.append(", ".join(names))
    for facet in ("kinds", "languages", "roles"):
        chosen = audience.get(facet) or []
        if chosen:
            parts.append(", ".join(escape(value_label(t, facet, v)) for v in chosen))
    chats = audience.get("groups", "no")
    if chats != "no":
        parts.append(escape(chats_label(t, chats)))
    return " · ".join(parts)


def chats_label(t: Translator, choice: str) -> str:
    """ "Linked groups and channels: included", as plain text (a button's label)."""
    return t.gettext("{label}: {value}").format(
        label=t.gettext(CHATS), value=t.gettext(CHATS_CHOICES[choice])
    )


def chats_line(t: Translator, n: int) -> str:
    return t.gettext("Linked groups and channels: {n}", n=t.number(n))


def chat_outcomes(
    t: Translator, outcomes: Iterable[tuple[LinkedChat, DeliveryStatus, str | None]]
) -> list[str]:
    """ "• Partners' group: delivered", a line per linked chat a broadcast went to."""
    lines = []
    for chat, status, error in outcomes:
        outcome = escape(t.gettext(CHAT_OUTCOMES[status]))
        if error and status in (DeliveryStatus.FAILED, DeliveryStatus.SKIPPED):
            outcome += f" ({escape(error)})"
        lines.append(f"• {chat_title(t, chat)}: {outcome}")
    return lines


def recipients_line(t: Translator, by_language: Mapping[str, int]) -> str:
    """ "42 recipients: English 30, Français 12", largest languages first."""
    total = sum(by_language.values())
    line = t.ngettext("{n} recipient", "{n} recipients", total)
    if not total:
        return line
    ordered = sorted(by_language.items(), key=lambda item: (-item[1], item[0]))
    counts = ", ".join(f"{escape(t.language_name(code))} {t.number(n)}" for code, n in ordered)
    return t.gettext("{recipients}: {counts}", recipients=line, counts=Html(counts))


def progress_text(t: Translator, done: int, total: int) -> str:
    return t.gettext(
        "Sending your broadcast… {done} / {total}", done=t.number(done), total=t.number(total)
    )


def status_label(t: Translator, broadcast: Broadcast) -> str:
    label = t.gettext(STATUS_LABELS[BroadcastStatus(broadcast.status)])
    if broadcast.status == BroadcastStatus.SCHEDULED:
        return t.gettext("{status} for {when}", status=label, when=t.when(broadcast.send_at))
    return label


def report_counts(
    t: Translator, counts: Mapping[DeliveryStatus, int], acks: int | None
) -> list[str]:
    """One line per outcome: delivered, blocked, failed, skipped, (acknowledged)."""
    lines = [
        t.gettext("Delivered: {n}", n=t.number(counts.get(DeliveryStatus.SENT, 0))),
        t.gettext("Blocked the bot: {n}", n=t.number(counts.get(DeliveryStatus.BLOCKED, 0))),
        t.gettext("Failed: {n}", n=t.number(counts.get(DeliveryStatus.FAILED, 0))),
        t.gettext("Skipped: {n}", n=t.number(counts.get(DeliveryStatus.SKIPPED, 0))),
    ]
    waiting = counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)
    if waiting:
        lines.append(t.gettext("Still to send: {n}", n=t.number(waiting)))
    if acks is not None:
        lines.append(t.gettext("“Got it”: {n}", n=t.number(acks)))
    return lines


def report_text(
    t: Translator,
    broadcast: Broadcast,
    summary: str,
    counts: Mapping[DeliveryStatus, int],
    reasons: Mapping[str, int],
    acks: int | None,
    chats: Iterable[tuple[LinkedChat, DeliveryStatus, str | None]] = (),
) -> str:
    """The full report of one broadcast: when, to whom, what happened and why."""
    lines = [
        t.gettext(
            "<b>Broadcast #{number}</b> of {when}",
            number=broadcast.id,
            when=t.when(broadcast.send_at),
        ),
        t.gettext("To: {audience}", audience=Html(summary)),
        t.gettext("Status: {status}", status=status_label(t, broadcast)),
        "",
        *report_counts(t, counts, acks),
    ]
    if reasons:
        lines += ["", t.gettext("Why some were not delivered:")]
        shown = list(reasons.items())[:REASONS_SHOWN]
        lines += [f"• {escape(reason or '—')}: {t.number(n)}" for reason, n in shown]
    chat_lines = chat_outcomes(t, chats)
    if chat_lines:
        lines += ["", f"<b>{escape(t.gettext(CHATS))}</b>", *chat_lines]
    return "\n".join(lines)


def excerpt(texts: Mapping[str, str], default: str, limit: int = 80) -> str:
    """The start of the default text, for a list (stored text is escaped: cut on whole
    characters of the original so no entity is split)."""
    text = " ".join(html.unescape(texts.get(default) or next(iter(texts.values()), "")).split())
    return escape(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def languages_of(by_language: Mapping[str | None, int], default: str) -> dict[str, int]:
    """Counts per language, partners with no language counted under the default."""
    merged: dict[str, int] = {}
    for language, count in by_language.items():
        code = language or default
        merged[code] = merged.get(code, 0) + count
    return merged
