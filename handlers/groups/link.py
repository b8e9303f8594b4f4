"""/link and /unlink in a group, /groups in private: which Telegram groups and channels the bot
posts to for a programme (some of its landscapes, or all), in which language and, in a forum,
in which topic (the one /link was sent in, or General).

Linking is asked with buttons whose data carries every choice so far (programme, a bit per
landscape, language), so nothing is half-stored and any admin of the chat who coordinates the
programme may finish it. A group is linked in the group ("gl." buttons); a channel, where nobody
can send the bot a command, in the private chat of whoever made the bot its administrator
("gc." buttons, the channel's id first; see `channels`). Each step asks Telegram again whether
the presser is an admin of the chat (`rights`); anyone else changes nothing, is told why, and
is audited.
"""

from __future__ import annotations

from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.access import GROUP_ADMIN_STATUSES, Level, may_link, may_list_groups
from bot.callbacks import InvalidCallback
from bot.i18n import N_, Html, Translator
from bot.routing import Button, Command, GroupCommand, Route
from bot.turn import Turn
from handlers.groups.rights import (
    Target,
    linkable,
    member_status,
    refuse,
    target_of,
    unlink_if_allowed,
)
from handlers.shared.cards import chat_title, programme_name
from storage.models import CHANNEL, GROUP, Landscape, LinkedChat, Programme


async def link(turn: Turn) -> None:
    """/link in a group: choose the programme (one the sender may link this group to)."""
    target = target_of(turn)
    programmes = await linkable(turn, target)
    if programmes:
        keyboard = [[target.button(turn, programme_name(turn.t, p), "p", p.id)] for p in programmes]
        await turn.reply(turn.t.gettext("Which programme is this group for?"), keyboard)


async def on_programme(turn: Turn) -> None:
    target = target_of(turn)
    programme = await _allowed_programme(turn, target)
    if programme is not None:
        await _ask_landscapes(turn, target, programme, 0)


async def on_toggle(turn: Turn) -> None:
    target = target_of(turn)
    programme = await _allowed_programme(turn, target)
    if programme is None:
        return
    chosen, index = target.arg_int(turn, 1), target.arg_int(turn, 2)
    if not 0 <= index < len(programme.landscapes):
        raise InvalidCallback(f"landscape {index}")
    await _ask_landscapes(turn, target, programme, chosen ^ (1 << index))


async def on_landscapes_done(turn: Turn) -> None:
    target = target_of(turn)
    programme = await _allowed_programme(turn, target)
    if programme is None:
        return
    chosen, t = target.arg_int(turn, 1), turn.t
    catalogs = turn.services.catalogs
    keyboard = [
        [target.button(turn, t.language_name(code), "l", programme.id, chosen, code)]
        for code in catalogs.languages
    ]
    question = (
        t.gettext("In which language should I write in this channel?")
        if target.channel
        else t.gettext("In which language should I write in this group?")
    )
    await turn.settle(question, keyboard)


async def on_language(turn: Turn) -> None:
    """The language chosen: linked, unless a forum still has to say in which topic."""
    target = target_of(turn)
    programme = await _allowed_programme(turn, target)
    if programme is None:
        return
    chosen, language = target.arg_int(turn, 1), target.arg(turn, 2)
    if language not in turn.services.catalogs.languages:
        raise InvalidCallback(f"language {language}")
    chat = turn.update.effective_chat
    if target.channel or chat is None or not chat.is_forum or turn.thread_id is None:
        await _link(turn, target, programme, chosen, language, None)
        return
    t = turn.t
    keyboard = [
        [target.button(turn, t.gettext("This topic"), "f", programme.id, chosen, language, 1)],
        [target.button(turn, t.gettext("General"), "f", programme.id, chosen, language, 0)],
    ]
    await turn.settle(t.gettext("Which topic of this forum should I post reminders in?"), keyboard)


async def on_topic(turn: Turn) -> None:
    """This topic or General. The topic is the one the pressed message is in, as Telegram
    says, so a forged button cannot point the bot at another one."""
    target = target_of(turn)
    if target.channel:
        raise InvalidCallback("a channel has no topics")
    programme = await _allowed_programme(turn, target)
    if programme is None:
        return
    chosen, language = target.arg_int(turn, 1), target.arg(turn, 2)
    here = target.arg_int(turn, 3)
    if language not in turn.services.catalogs.languages or here not in (0, 1):
        raise InvalidCallback(f"topic {language} {here}")
    await _link(turn, target, programme, chosen, language, turn.thread_id if here else None)


async def _link(
    turn: Turn,
    target: Target,
    programme: Programme,
    chosen: int,
    language: str,
    thread_id: int | None,
) -> None:
    title = await _channel_title(turn, target) if target.channel else _group_title(turn)
    if title is None:
        return
    landscapes = _chosen(programme, chosen)
    assert turn.partner is not None  # manages(): a registered partner
    linked = await turn.uow.linked_chats.link(
        target.chat_id,
        title=title,
        programme_id=programme.id,
        landscape_ids=[landscape.id for landscape in landscapes],
        language=language,
        by=turn.partner,
        now=turn.services.clock(),
        thread_id=thread_id,
        kind=CHANNEL if target.channel else GROUP,
    )
    await turn.uow.audit.record(
        "group.linked",
        actor=turn.partner,
        telegram_id=turn.user.id,
        chat_id=target.chat_id,
        programme=programme.id,
        landscapes=linked.landscape_ids,
        language=language,
        topic=thread_id,
        kind=linked.kind,
    )
    if target.channel:  # said in private, in the presser's language
        t = turn.t
        done = t.gettext(
            "The channel “{title}” is now linked to {programme} ({places}). I'll post the "
            "reminders of its meetings there, and the broadcasts that include it.",
            title=title,
            programme=programme_name(t, programme),
            places=_places(t, landscapes),
        )
    else:
        t = turn.t.with_language(language, turn.services.catalogs)
        done = t.gettext(
            "This group is now linked to {programme} ({places}). I'll post the reminders of "
            "its meetings here. Try /next, /events or /status.",
            programme=programme_name(t, programme),
            places=_places(t, landscapes),
        )
    await turn.settle(done)


async def unlink(turn: Turn) -> None:
    """/unlink in a group: stop posting there."""
    chat = turn.update.effective_chat
    assert chat is not None
    linked = await turn.uow.linked_chats.active(chat.id)
    if linked is None:
        await turn.reply(turn.t.gettext("This group is not linked to a programme."))
        return
    if not await unlink_if_allowed(turn, linked, Target(chat.id, channel=False)):
        return
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
                title=_listed_title(t, linked),
                programme=programme_name(t, programme),
                places=_places(t, _linked_places(programme, linked)),
                language=t.language_name(linked.language),
            )
        )
    # A channel takes no command, so it is unlinked from here.
    keyboard = [
        [turn.button(t.gettext("Unlink “{title}”").format(title=linked.title), "gu", linked.id)]
        for linked in links
        if linked.is_channel
    ]
    await turn.reply("\n".join(lines), keyboard or None)


def _listed_title(t: Translator, linked: LinkedChat) -> Html:
    """A linked chat's title, saying so when a forum is linked to one of its topics rather than
    General (which topic is not known: only its id is kept, which tells a coordinator nothing)."""
    title = Html(chat_title(t, linked))
    if linked.thread_id is None:
        return title
    # TRANSLATORS: a forum group in /groups whose reminders go to one of its topics, not General
    return Html(t.gettext("{title} (in one of its topics)", title=title))


async def _ask_landscapes(turn: Turn, target: Target, programme: Programme, chosen: int) -> None:
    t = turn.t
    keyboard = [
        [
            target.button(
                turn,
                ("✅ " if chosen >> index & 1 else "▫️ ") + landscape.name,
                "t",
                programme.id,
                chosen,
                index,
            )
        ]
        for index, landscape in enumerate(programme.landscapes)
    ]
    keyboard.append([target.button(turn, t.gettext("Continue »"), "d", programme.id, chosen)])
    question = (
        t.gettext("Which landscapes is this channel for? Choose none for the whole programme.")
        if target.channel
        else t.gettext("Which landscapes is this group for? Choose none for the whole programme.")
    )
    await turn.settle(question, keyboard)


async def _allowed_programme(turn: Turn, target: Target) -> Programme | None:
    """The button's programme, if the presser may still link this chat to it."""
    programme = await turn.uow.programmes.get(target.arg_int(turn, 0))
    if programme is None:
        raise InvalidCallback("programme")
    status = await member_status(turn, target)
    if not may_link(turn.partner, programme.id, status):
        await refuse(turn, target, "/link", status)
        return None
    return programme


def _group_title(turn: Turn) -> str:
    chat = turn.update.effective_chat
    assert chat is not None
    return chat.title or str(chat.id)


async def _channel_title(turn: Turn, target: Target) -> str | None:
    """The channel's title, if it is a channel the bot may still post to; otherwise the presser
    is told (the bot was removed or demoted meanwhile) and None returned."""
    try:
        chat = await turn.bot.get_chat(target.chat_id)
        me = await turn.bot.get_chat_member(target.chat_id, turn.bot.id)
    except TelegramError:
        chat, me = None, None
    if chat is not None and chat.type != ChatType.CHANNEL:
        raise InvalidCallback(f"chat {target.chat_id} is no channel")
    if chat is None or me is None or me.status not in GROUP_ADMIN_STATUSES:
        await turn.answer(
            turn.t.gettext(
                "I am not an administrator of this channel any more, so I cannot post there. "
                "Make me one again to link it."
            ),
            alert=True,
        )
        return None
    return chat.title or str(chat.id)


def _chosen(programme: Programme, chosen: int) -> list[Landscape]:
    return [p for i, p in enumerate(programme.landscapes) if chosen >> i & 1]


def _linked_places(programme: Programme, linked: LinkedChat) -> list[Landscape]:
    return [p for p in programme.landscapes if p.id in linked.landscape_ids]


def _places(t: Translator, landscapes: list[Landscape]) -> str:
    if not landscapes:
        return t.gettext("all its landscapes")
    return ", ".join(landscape.name for landscape in landscapes)


# Every step is open to anyone: `may_link` decides, so a refusal is told and audited as such.
ROUTES: tuple[Route, ...] = (
    GroupCommand("link", link, Level.GUEST, N_("Link this group to a programme"), admins=True),
    GroupCommand("unlink", unlink, Level.GUEST, N_("Stop posting in this group"), admins=True),
    *(
        Button(f"{prefix}.{step}", handler, Level.GUEST)
        for prefix in ("gl", "gc")
        for step, handler in (
            ("p", on_programme),
            ("t", on_toggle),
            ("d", on_landscapes_done),
            ("l", on_language),
        )
    ),
    Button("gl.f", on_topic, Level.GUEST),
    Command("groups", list_groups, Level.COORDINATOR, N_("the groups linked to your programmes")),
)
