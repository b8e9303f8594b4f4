"""/link and /unlink in a group, /groups in private: which Telegram groups the bot posts to for
a programme (some of its landscapes, or all), in which language and, in a forum, in which topic
(the one /link was sent in, or General).

Linking is asked with buttons whose data carries every choice so far (programme, a bit per
landscape, language), so nothing is half-stored and any group admin who coordinates the
programme may finish it. Each step asks Telegram again whether the presser is a group admin
(`bot.access.may_link` decides); anyone else changes nothing, is told why, and is audited.
"""

from __future__ import annotations

from datetime import timedelta

from telegram.error import TelegramError

from bot.access import Level, may_link, may_list_groups
from bot.callbacks import InvalidCallback
from bot.i18n import N_, Translator
from bot.routing import Button, Command, GroupCommand, Route
from bot.turn import Turn
from handlers.shared.cards import programme_name
from storage.models import Landscape, LinkedChat, Programme

REFUSALS_AUDITED_EVERY = timedelta(minutes=1)


async def link(turn: Turn) -> None:
    """/link in a group: choose the programme (one the sender may link this group to)."""
    status = await _member_status(turn)
    programmes = [
        p for p in await turn.uow.programmes.all() if may_link(turn.partner, p.id, status)
    ]
    if not programmes:
        await _refuse(turn, "/link", status)
        return
    t = turn.t
    keyboard = [[turn.button(programme_name(t, p), "gl.p", p.id)] for p in programmes]
    await turn.reply(t.gettext("Which programme is this group for?"), keyboard)


async def on_programme(turn: Turn) -> None:
    programme = await _allowed_programme(turn)
    if programme is not None:
        await _ask_landscapes(turn, programme, 0)


async def on_toggle(turn: Turn) -> None:
    programme = await _allowed_programme(turn)
    if programme is None:
        return
    chosen, index = turn.arg_int(1), turn.arg_int(2)
    if not 0 <= index < len(programme.landscapes):
        raise InvalidCallback(f"landscape {index}")
    await _ask_landscapes(turn, programme, chosen ^ (1 << index))


async def on_landscapes_done(turn: Turn) -> None:
    programme = await _allowed_programme(turn)
    if programme is None:
        return
    chosen, t = turn.arg_int(1), turn.t
    catalogs = turn.services.catalogs
    keyboard = [
        [turn.button(t.language_name(code), "gl.l", programme.id, chosen, code)]
        for code in catalogs.languages
    ]
    await turn.settle(t.gettext("In which language should I write in this group?"), keyboard)


async def on_language(turn: Turn) -> None:
    """The language chosen: linked, unless a forum still has to say in which topic."""
    programme = await _allowed_programme(turn)
    if programme is None:
        return
    chosen, language = turn.arg_int(1), turn.arg(2)
    if language not in turn.services.catalogs.languages:
        raise InvalidCallback(f"language {language}")
    chat = turn.update.effective_chat
    if chat is None or not chat.is_forum or turn.thread_id is None:
        await _link(turn, programme, chosen, language, None)
        return
    t = turn.t
    keyboard = [
        [turn.button(t.gettext("This topic"), "gl.f", programme.id, chosen, language, 1)],
        [turn.button(t.gettext("General"), "gl.f", programme.id, chosen, language, 0)],
    ]
    await turn.settle(t.gettext("Which topic of this forum should I post reminders in?"), keyboard)


async def on_topic(turn: Turn) -> None:
    """This topic or General. The topic is the one the pressed message is in, as Telegram
    says, so a forged button cannot point the bot at another one."""
    programme = await _allowed_programme(turn)
    if programme is None:
        return
    chosen, language, here = turn.arg_int(1), turn.arg(2), turn.arg_int(3)
    if language not in turn.services.catalogs.languages or here not in (0, 1):
        raise InvalidCallback(f"topic {language} {here}")
    await _link(turn, programme, chosen, language, turn.thread_id if here else None)


async def _link(
    turn: Turn, programme: Programme, chosen: int, language: str, thread_id: int | None
) -> None:
    landscapes = _chosen(programme, chosen)
    chat = turn.update.effective_chat
    assert chat is not None
    assert turn.partner is not None  # manages(): a registered partner
    linked = await turn.uow.linked_chats.link(
        chat.id,
        title=chat.title or str(chat.id),
        programme_id=programme.id,
        landscape_ids=[landscape.id for landscape in landscapes],
        language=language,
        by=turn.partner,
        now=turn.services.clock(),
        thread_id=thread_id,
    )
    await turn.uow.audit.record(
        "group.linked",
        actor=turn.partner,
        telegram_id=turn.user.id,
        chat_id=chat.id,
        programme=programme.id,
        landscapes=linked.landscape_ids,
        language=language,
        topic=thread_id,
    )
    t = turn.t.with_language(language, turn.services.catalogs)
    await turn.settle(
        t.gettext(
            "This group is now linked to {programme} ({places}). I'll post the reminders of "
            "its meetings here. Try /next, /events or /status.",
            programme=programme_name(t, programme),
            places=_places(t, landscapes),
        )
    )


async def unlink(turn: Turn) -> None:
    """/unlink in a group: stop posting there."""
    chat = turn.update.effective_chat
    assert chat is not None
    linked = await turn.uow.linked_chats.active(chat.id)
    if linked is None:
        await turn.reply(turn.t.gettext("This group is not linked to a programme."))
        return
    status = await _member_status(turn)
    if not may_link(turn.partner, linked.programme_id, status):
        await _refuse(turn, "/unlink", status)
        return
    await turn.uow.linked_chats.unlink(linked, turn.services.clock())
    await turn.uow.audit.record(
        "group.unlinked", actor=turn.partner, telegram_id=turn.user.id, chat_id=chat.id
    )
    await turn.reply(turn.t.gettext("This group is no longer linked. I won't post here any more."))


async def list_groups(turn: Turn) -> None:
    """/groups: the linked groups of the programmes this coordinator manages (admins: all)."""
    t = turn.t
    links = await turn.uow.linked_chats.listed(may_list_groups(turn.partner))
    if not links:
        await turn.reply(
            t.gettext(
                "No group is linked yet. Add me to a group, then send /link there "
                "(you must be an admin of the group)."
            )
        )
        return
    programmes = {p.id: p for p in await turn.uow.programmes.all()}
    lines = [t.gettext("<b>Linked groups</b>")]
    for linked in links:
        programme = programmes[linked.programme_id]
        lines.append(
            t.gettext(
                "• {title}: {programme} ({places}), in {language}",
                title=linked.title,
                programme=programme_name(t, programme),
                places=_places(t, _linked_places(programme, linked)),
                language=t.language_name(linked.language),
            )
        )
    await turn.reply("\n".join(lines))


async def _ask_landscapes(turn: Turn, programme: Programme, chosen: int) -> None:
    t = turn.t
    keyboard = [
        [
            turn.button(
                ("✅ " if chosen >> index & 1 else "▫️ ") + landscape.name,
                "gl.t",
                programme.id,
                chosen,
                index,
            )
        ]
        for index, landscape in enumerate(programme.landscapes)
    ]
    keyboard.append([turn.button(t.gettext("Continue »"), "gl.d", programme.id, chosen)])
    await turn.settle(
        t.gettext(
            "Which landscapes is this group for? Choose none for the whole programme.",
        ),
        keyboard,
    )


async def _allowed_programme(turn: Turn) -> Programme | None:
    """The button's programme, if the presser may still link this group to it."""
    programme = await turn.uow.programmes.get(turn.arg_int(0))
    if programme is None:
        raise InvalidCallback("programme")
    status = await _member_status(turn)
    if not may_link(turn.partner, programme.id, status):
        await _refuse(turn, "/link", status)
        return None
    return programme


async def _member_status(turn: Turn) -> str:
    """The sender's status in this group, as Telegram says now ("left" if it cannot say)."""
    chat = turn.update.effective_chat
    assert chat is not None
    try:
        member = await turn.bot.get_chat_member(chat.id, turn.user.id)
    except TelegramError:
        return "left"
    return str(member.status)


async def _refuse(turn: Turn, what: str, status: str) -> None:
    """Tell a user they may not (un)link this group; audited once a minute per user."""
    since = turn.services.clock() - REFUSALS_AUDITED_EVERY
    if not await turn.uow.audit.recorded_since("group.refused", turn.user.id, since):
        chat = turn.update.effective_chat
        await turn.uow.audit.record(
            "group.refused",
            actor=turn.partner,
            telegram_id=turn.user.id,
            chat_id=chat.id if chat else None,
            route=what,
            member_status=status,
        )
    text = turn.t.gettext(
        "Only an admin of this group who coordinates the programme can link or unlink it."
    )
    if turn.update.callback_query is not None:
        await turn.answer(text, alert=True)
    else:
        await turn.reply(text)


def _chosen(programme: Programme, chosen: int) -> list[Landscape]:
    return [p for i, p in enumerate(programme.landscapes) if chosen >> i & 1]


def _linked_places(programme: Programme, linked: LinkedChat) -> list[Landscape]:
    return [p for p in programme.landscapes if p.id in linked.landscape_ids]


def _places(t: Translator, landscapes: list[Landscape]) -> str:
    if not landscapes:
        return t.gettext("all its landscapes")
    return ", ".join(landscape.name for landscape in landscapes)


ROUTES: tuple[Route, ...] = (
    GroupCommand("link", link, Level.GUEST, N_("Link this group to a programme"), admins=True),
    GroupCommand("unlink", unlink, Level.GUEST, N_("Stop posting in this group"), admins=True),
    Button("gl.p", on_programme, Level.GUEST),
    Button("gl.t", on_toggle, Level.GUEST),
    Button("gl.d", on_landscapes_done, Level.GUEST),
    Button("gl.l", on_language, Level.GUEST),
    Button("gl.f", on_topic, Level.GUEST),
    Command("groups", list_groups, Level.COORDINATOR, N_("the groups linked to your programmes")),
)
