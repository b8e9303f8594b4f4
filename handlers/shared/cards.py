"""How programmes and events read in a chat: one card each, in the reader's language and time
zone, every piece of stored text escaped."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Html, Translator, escape
from bot.localized import plain, show
from bot.numbers import format_figure
from storage.models import Event, LinkedChat, Programme, ProgrammeFigure


def programme_name(t: Translator, programme: Programme) -> str:
    return plain(t, programme.name, programme.default_language) or programme.slug


def programme_card(t: Translator, programme: Programme) -> str:
    """Everything about a programme in one message, for coordinators editing it."""
    default = programme.default_language
    parts = [status_card(t, programme), *_about_lines(t, programme)]
    if programme.figures:
        parts += ["", f"<b>{t.gettext('Key figures')}</b>"]
        parts += [figure_line(t, figure, default) for figure in programme.figures]
    return "\n".join(parts)


def status_card(t: Translator, programme: Programme) -> str:
    """What /status shows first, sized for one phone screen: the name, phase and dates, and
    where the programme stands. Figures and the background are a tap away."""
    default = programme.default_language
    lines = [f"<b>{show(t, programme.name, default)}</b>"]
    facts: list[str] = []
    if programme.phase:
        facts.append(show(t, programme.phase, default))
    if programme.starts_on:
        end = t.date(programme.ends_on, "medium") if programme.ends_on else "…"
        facts.append(escape(f"{t.date(programme.starts_on, 'medium')} – {end}"))
    if facts:
        lines.append(" · ".join(facts))
    if programme.status:
        heading = t.gettext("Where we are")
        if programme.status_as_of:
            heading = t.gettext(
                "Where we are (as of {date})", date=t.date(programme.status_as_of, "long")
            )
        lines += ["", f"<b>{heading}</b>", show(t, programme.status, default)]
    return "\n".join(lines)


def figures_card(t: Translator, programme: Programme) -> str:
    default = programme.default_language
    lines = [f"<b>{show(t, programme.name, default)}</b>", "", f"<b>{t.gettext('Key figures')}</b>"]
    return "\n".join(lines + [figure_line(t, figure, default) for figure in programme.figures])


def about_card(t: Translator, programme: Programme) -> str:
    """The programme's background: who funds it, where it works, what it is for."""
    lines = [f"<b>{show(t, programme.name, programme.default_language)}</b>"]
    return "\n".join(lines + _about_lines(t, programme))


def _about_lines(t: Translator, programme: Programme) -> list[str]:
    default = programme.default_language
    lines: list[str] = []
    if programme.funder:
        lines.append(t.gettext("Funded by {funder}", funder=show(t, programme.funder, default)))
    if programme.countries:
        countries = ", ".join(t.country_name(code) for code in programme.countries)
        lines.append(t.gettext("Countries: {countries}", countries=countries))
    if programme.summary:
        lines += ["", show(t, programme.summary, default)]
    return lines


def figure_line(t: Translator, figure: ProgrammeFigure, default: str) -> str:
    """A headline figure as a bullet: label, value with its unit, and as of when."""
    value = format_figure(t.locale, figure.value)
    if figure.unit:
        value = f"{value} {plain(t, figure.unit, default)}"
    return t.gettext(
        "• {label}: {value} (as of {date})",
        label=show(t, figure.label, default),
        value=value,
        date=t.date(figure.as_of, "medium"),
    )


def event_title(t: Translator, event: Event) -> str:
    return plain(t, event.title, event.default_language) or "?"


def event_line(t: Translator, event: Event, now: datetime) -> str:
    """One event in a list: title, then when, with how far away it is."""
    title = show(t, event.title, event.default_language)
    when = t.gettext(
        "{when} — {relative}", when=t.when(event.starts_at), relative=_relative(t, event, now)
    )
    return f"<b>{title}</b>\n{when}"


def event_card(t: Translator, event: Event, now: datetime) -> str:
    default = event.default_language
    lines = [f"<b>{show(t, event.title, default)}</b>"]
    if event.cancelled_at is not None:
        lines.append(t.gettext("<b>Cancelled.</b> This event will not take place."))
    lines.append(
        t.gettext(
            "🗓 {when} — {relative}",
            when=t.time_span(event.starts_at, event.ends_at),
            relative=_relative(t, event, now),
        )
    )
    if event.place:
        lines.append(t.gettext("📍 {place}", place=show(t, event.place, default)))
    if event.online_url:
        lines.append(
            t.gettext(
                "💻 Online: {link}",
                link=Html(
                    f'<a href="{escape_attr(event.online_url)}">{escape(event.online_url)}</a>'
                ),
            )
        )
    if event.programme is not None:
        where = programme_name(t, event.programme)
        if event.landscapes:
            where += " · " + ", ".join(landscape.name for landscape in event.landscapes)
        lines.append(t.gettext("For: {where}", where=where))
    if event.description:
        lines += ["", show(t, event.description, default)]
    return "\n".join(lines)


def _relative(t: Translator, event: Event, now: datetime) -> str:
    if event.starts_at <= now < event.ends_at:
        return t.gettext("happening now")
    return t.relative(event.starts_at, now)


def escape_attr(value: str) -> str:
    return escape(value).replace('"', "&quot;")


def chat_title(t: Translator, chat: LinkedChat) -> str:
    """A linked group's title, or a channel's marked as one; escaped."""
    if chat.is_channel:
        return t.gettext("{title} (channel)", title=chat.title)
    return escape(chat.title)
