"""How an update is handled inside its unit of work: load the partner and their language,
resolve the route, check its access level, run the handler, and leave the replies queued on
the turn (the inbox stores them with the commit and sends them after it).

Every access check for commands, buttons and flow steps happens here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.access import Level, level_of, settled_role
from bot.callbacks import InvalidCallback
from bot.i18n import Translator
from bot.language import chosen_language
from bot.logs import handling
from bot.routing import (
    Button,
    Command,
    DuplicateRoute,
    Fallbacks,
    GroupCommand,
    MemberChange,
    Route,
    RouteTable,
    Upload,
)
from bot.services import Services
from bot.turn import Turn
from storage.models import PartnerStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MENU_ACTION = "cmd"  # a button that runs a command: cmd:<name>
REFUSALS_AUDITED_EVERY = timedelta(minutes=1)
Resolver = Callable[[Turn], Awaitable[Route | None]]


class Pipeline:
    def __init__(self, services: Services, routes: Sequence[Route], fallbacks: Fallbacks) -> None:
        """Raises `DuplicateRoute` when two routes claim one name, or a button claims the
        menu's action, so the mistake shows at start rather than as a feature gone quiet."""
        self.services = services
        table = RouteTable(routes)
        if MENU_ACTION in table.buttons:
            raise DuplicateRoute(f"button action {MENU_ACTION!r} is reserved for menu buttons")
        self.commands = table.commands
        self.buttons = table.buttons
        self.steps = table.steps
        self.upload = table.upload
        self.group_commands = table.group_commands
        self.member_change = table.member_change
        self.fallbacks = fallbacks

    async def handle(self, update: Update, bot: Bot, uow: UnitOfWork) -> Turn | None:
        """Handle one update inside `uow` (the caller commits, then sends what the turn owes).
        None when the update is not for the bot: another bot, ordinary chat in a group, a
        channel post.
        A forged or stale button raises `Refused`, so the caller rolls back what it did."""
        user = update.effective_user
        resolve = self._resolver(update, bot)
        if user is None or user.is_bot or resolve is None:
            return None
        turn = await self._begin_turn(update, bot, uow)
        try:
            route = await resolve(turn)
            if route is not None:
                handling(route=_route_name(route))
            if route is not None and await self._authorized(turn, route):
                _check_step(turn, route)
                await route.handler(turn)
        except InvalidCallback as error:
            log.info("refused button from user %s: %s", user.id, error)
            turn.discard()
            await turn.answer(
                turn.t.gettext("This button has expired. Please use the latest message."),
                alert=True,
            )
            raise Refused(turn) from error
        return turn

    def _resolver(self, update: Update, bot: Bot) -> Resolver | None:
        """Which way the update goes: a button, a command, flow text, a photo or location, a
        document, or anything else a private chat can send."""
        if update.callback_query is not None:
            return self._resolve_button
        if update.my_chat_member is not None:
            return self._route(self.member_change, [])
        if update.message is not None and update.message.chat.type != ChatType.PRIVATE:
            return self._in_group(update.message, bot)
        message = update.message or update.edited_message
        if message is None or message.chat.type != ChatType.PRIVATE:
            return None
        if message.text:
            command = _command(message, bot.username)
            if command is None:
                return self._resolve_text
            name, args = command
            if name == "start" and len(args) == 1 and args[0] in self.commands:
                name, args = args[0], []  # a deep link from a group: "?start=checkin"
            route = self.commands.get(name)
            if route is None:
                return self._fallback(self.fallbacks.unknown_command)
            return self._route(route, args)
        if message.photo or message.location:
            return self._resolve_media
        if message.document is not None and self.upload is not None:
            return self._resolve_document
        return self._fallback(self.fallbacks.other_message)

    def _route(self, route: Route | None, args: list[str]) -> Resolver | None:
        if route is None:
            return None

        async def resolve(turn: Turn) -> Route:
            turn.args = args
            return route

        return resolve

    def _in_group(self, message: Message, bot: Bot) -> Resolver | None:
        """In a group the bot answers its group commands and questions sent as a reply to it,
        and points personal commands to the private chat; ordinary chat, and commands for
        other bots, are none of its business."""
        if message.migrate_to_chat_id or message.migrate_from_chat_id:
            return self._route(self.member_change, [])
        command = _command(message, bot.username) if message.text else None
        if command is None:
            asking = self.fallbacks.question_in_group
            if asking is None or not message.text or not _replies_to(message, bot):
                return None
            return self._fallback(asking)
        name, args = command
        if name in self.group_commands:
            return self._route(self.group_commands[name], args)
        personal = self.fallbacks.personal_in_group
        if name not in self.commands or personal is None:
            return None
        return self._route(Command(name, personal, Level.GUEST, "", in_menu=False), [name])

    async def _resolve_document(self, turn: Turn) -> Route | None:
        # During a flow, a document is for the flow's step if it takes media (a photo sent
        # as a file). Only those allowed to upload are told about uploads; to anyone else
        # a document is just something the bot cannot read.
        upload = self.upload
        if turn.conversation is not None:
            return await self._resolve_media(turn)
        if upload is None or level_of(turn.partner) < upload.level:
            return await self._fallback(self.fallbacks.other_message)(turn)
        return upload

    def _fallback(self, handler: Callable[[Turn], Awaitable[None]]) -> Resolver:
        async def resolve(turn: Turn) -> Route:
            return Command("", handler, Level.GUEST, "", in_menu=False)

        return resolve

    async def _resolve_button(self, turn: Turn) -> Route | None:
        query = turn.update.callback_query
        assert query is not None
        callback = self.services.codec.decode(query.data)  # raises InvalidCallback
        turn.callback = callback
        if callback.action == MENU_ACTION and callback.args in {(name,) for name in self.commands}:
            return self.commands[callback.args[0]]
        button = self.buttons.get(callback.action)
        if button is None:
            raise InvalidCallback(f"unknown action {callback.action}")
        return button

    async def _resolve_text(self, turn: Turn) -> Route | None:
        conversation = turn.conversation
        if conversation is None:
            return await self._fallback(self.fallbacks.free_text)(turn)
        step = self.steps.get((conversation.flow, conversation.step))
        if step is None:  # this step waits for a button press
            await turn.reply(
                turn.t.gettext("Please choose one of the buttons above, or send /cancel to stop.")
            )
            return None
        return step

    async def _resolve_media(self, turn: Turn) -> Route | None:
        """A photo or a location goes to the flow's step if that step takes one (a check-in's
        photo question); anywhere else the bot cannot read it."""
        conversation = turn.conversation
        step = self.steps.get((conversation.flow, conversation.step)) if conversation else None
        if step is None or not step.media:
            return await self._fallback(self.fallbacks.other_message)(turn)
        return step

    async def _begin_turn(self, update: Update, bot: Bot, uow: UnitOfWork) -> Turn:
        user = update.effective_user
        assert user is not None
        settings = self.services.settings
        partner = await uow.partners.by_telegram_id(user.id)
        if partner is not None:
            role = settled_role(partner, settings.access.admins)
            if role != partner.role:
                await uow.audit.record("role.settled", actor=None, telegram_id=user.id, role=role)
                partner.role = role
            private = (
                update.effective_chat is None or update.effective_chat.type == ChatType.PRIVATE
            )
            if partner.status == PartnerStatus.BLOCKED and private and not update.my_chat_member:
                partner.status = PartnerStatus.ACTIVE  # they wrote to us, so they unblocked the bot
            if user.username and partner.username != user.username.lower():
                partner.username = user.username.lower()
        conversation = await uow.conversations.get(user.id)
        language = chosen_language(
            self.services.catalogs, partner, conversation, user.language_code
        )
        zone = (partner.timezone if partner else None) or settings.locale.default_timezone
        translator = self.services.catalogs.translator(language, zone)
        return Turn(update, bot, self.services, uow, user, partner, conversation, translator)

    async def _authorized(self, turn: Turn, route: Route) -> bool:
        have = level_of(turn.partner)
        if have >= route.level:
            return True
        # One entry a minute per user is enough to see who probes; more would let anyone
        # fill the audit table by repeating a command.
        since = self.services.clock() - REFUSALS_AUDITED_EVERY
        if not await turn.uow.audit.recorded_since("access.refused", turn.user.id, since):
            await turn.uow.audit.record(
                "access.refused",
                actor=turn.partner,
                telegram_id=turn.user.id,
                route=_route_name(route),
                needed=route.level.name.lower(),
                had=have.name.lower(),
            )
        text = _refusal(turn.t, have, route.level)
        if turn.update.callback_query is not None:
            # A guest's press in a group (a reminder's buttons): the answer opens the bot.
            chat = turn.update.effective_chat
            in_group = chat is not None and chat.type != ChatType.PRIVATE
            guest = have == Level.GUEST
            url = f"https://t.me/{turn.bot.username}?start" if in_group and guest else None
            await turn.answer(text, alert=url is None, url=url)
        else:
            await turn.reply(text)
        return False


class Refused(Exception):
    """A button the turn refused; its work is rolled back, its kind answer still owed."""

    def __init__(self, turn: Turn) -> None:
        super().__init__("refused button")
        self.turn = turn


def _command(message: Message, username: str) -> tuple[str, list[str]] | None:
    """(name, arguments) when the text starts with a command for this bot, as Telegram marks
    it: "/help", "/help@ThisBot"; a command for another bot has a name no route has."""
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    text = message.text or ""
    name, _, bot = text[1 : entity.length].partition("@")
    if bot and bot.lower() != username.lower():
        name = "@" + bot  # not ours: unknown here
    return name.lower(), text.split()[1:]


def _replies_to(message: Message, bot: Bot) -> bool:
    """A reply to one of the bot's messages (in a forum, a message is also a reply to its
    topic's first message: that one is not the bot's)."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None:
        return False
    return replied.from_user.id == bot.id and replied.forum_topic_created is None


def _check_step(turn: Turn, route: Route) -> None:
    """A button made for one step of a flow is stale at any other moment."""
    if isinstance(route, Button) and route.step is not None:
        conversation = turn.conversation
        at = (conversation.flow, conversation.step) if conversation else None
        if route.step != at:
            raise InvalidCallback(f"{route.action} pressed outside its step")


def _route_name(route: Route) -> str:
    if isinstance(route, Command):
        return "/" + route.name
    if isinstance(route, Button):
        return route.action
    if isinstance(route, Upload):
        return "document"
    if isinstance(route, GroupCommand):
        return "/" + route.name + " (group)"
    if isinstance(route, MemberChange):
        return "member change"
    return f"{route.flow}.{route.step}"


def _refusal(t: Translator, have: Level, needed: Level) -> str:
    if have == Level.GUEST:
        return t.gettext("Please join first: send /start.")
    if needed == Level.FUNDER:
        return t.gettext("Sorry, only coordinators, admins and funders can see summaries.")
    if needed == Level.COORDINATOR:
        return t.gettext("Sorry, only coordinators and admins can do that.")
    return t.gettext("Sorry, only admins can do that.")
