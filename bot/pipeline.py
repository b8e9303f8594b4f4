"""How an update flows: claim it once, open a unit of work, load the partner and their language,
resolve the route, check its access level, run the handler, commit, and only then reply.

Replies wait for the commit, so the bot never says "saved" about something that was rolled back.
Every access check for commands, buttons and flow steps happens here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.access import Level, level_of, settled_role
from bot.callbacks import InvalidCallback
from bot.i18n import Translator
from bot.routing import Button, Command, Fallbacks, Route, Step, Upload
from bot.services import Services
from bot.turn import Turn
from storage.models import PartnerStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MENU_ACTION = "cmd"  # a button that runs a command: cmd:<name>
Resolver = Callable[[Turn], Awaitable[Route | None]]


class Pipeline:
    def __init__(self, services: Services, routes: Sequence[Route], fallbacks: Fallbacks) -> None:
        self.services = services
        self.commands = {r.name: r for r in routes if isinstance(r, Command)}
        self.buttons = {r.action: r for r in routes if isinstance(r, Button)}
        self.steps = {(r.flow, r.step): r for r in routes if isinstance(r, Step)}
        self.upload = next((r for r in routes if isinstance(r, Upload)), None)
        self.fallbacks = fallbacks

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        """Register with PTB in a deliberate order: known commands, buttons, flow text, then
        the catch-alls (unknown command, free text, anything else) last."""
        private = filters.ChatType.PRIVATE
        for command in self.commands.values():
            application.add_handler(
                CommandHandler(command.name, self._command_handler(command), filters=private)
            )
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_handler(
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, self._on_text)
        )
        application.add_handler(MessageHandler(private & filters.COMMAND, self._on_unknown_command))
        application.add_handler(
            MessageHandler(private & (filters.PHOTO | filters.LOCATION), self._on_media)
        )
        if self.upload is not None:
            application.add_handler(
                MessageHandler(private & filters.Document.ALL, self._on_document)
            )
        application.add_handler(MessageHandler(private & ~filters.COMMAND, self._on_other))

    def _command_handler(
        self, command: Command
    ) -> Callable[[Update, CallbackContext], Coroutine[Any, Any, None]]:  # type: ignore[type-arg]
        async def on_command(update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
            async def resolve(turn: Turn) -> Route:
                turn.args = list(context.args or [])
                return command

            await self._handle(update, context, resolve)

        return on_command

    async def _on_button(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self._handle(update, context, self._resolve_button)

    async def _on_text(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self._handle(update, context, self._resolve_text)

    async def _on_unknown_command(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self._handle(update, context, self._fallback(self.fallbacks.unknown_command))

    async def _on_document(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        upload = self.upload

        async def resolve(turn: Turn) -> Route | None:
            # During a flow, a document is for the flow's step if it takes media (a photo sent
            # as a file). Only those allowed to upload are told about uploads; to anyone else
            # a document is just something the bot cannot read.
            if turn.conversation is not None:
                return await self._resolve_media(turn)
            if upload is None or level_of(turn.partner) < upload.level:
                return await self._fallback(self.fallbacks.other_message)(turn)
            return upload

        await self._handle(update, context, resolve)

    async def _on_media(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self._handle(update, context, self._resolve_media)

    async def _on_other(self, update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
        await self._handle(update, context, self._fallback(self.fallbacks.other_message))

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

    async def _handle(
        self,
        update: Update,
        context: CallbackContext,  # type: ignore[type-arg]
        resolve: Resolver,
    ) -> None:
        user = update.effective_user
        if user is None or user.is_bot:
            return
        turn: Turn | None = None
        try:
            async with self.services.db.unit_of_work() as uow:
                if not await uow.updates.claim(update.update_id):
                    log.info(
                        "update %s was already handled; ignoring the redelivery", update.update_id
                    )
                    return
                turn = await self._begin_turn(update, context, uow)
                route = await resolve(turn)
                if route is not None and await self._authorized(turn, route):
                    _check_step(turn, route)
                    await route.handler(turn)
        except InvalidCallback as error:
            # Forged, outdated or out-of-step button: the unit of work rolled back; say so kindly.
            log.info("refused button from user %s: %s", user.id, error)
            if turn is not None:
                turn.discard()
                await turn.answer(
                    turn.t.gettext("This button has expired. Please use the latest message."),
                    alert=True,
                )
        if turn is not None:
            if turn.uow.deliveries.planned:
                self.services.doorbell.ring()
            await turn.deliver()

    async def _begin_turn(
        self,
        update: Update,
        context: CallbackContext,  # type: ignore[type-arg]
        uow: UnitOfWork,
    ) -> Turn:
        user = update.effective_user
        assert user is not None
        settings = self.services.settings
        partner = await uow.partners.by_telegram_id(user.id)
        if partner is not None:
            role = settled_role(partner, settings.access.admins)
            if role != partner.role:
                await uow.audit.record("role.settled", actor=None, telegram_id=user.id, role=role)
                partner.role = role
            if partner.status == PartnerStatus.BLOCKED:
                partner.status = PartnerStatus.ACTIVE  # they wrote to us, so they unblocked the bot
            if user.username and partner.username != user.username.lower():
                partner.username = user.username.lower()
        conversation = await uow.conversations.get(user.id)
        stored = partner.language if partner else None
        if stored is None and conversation is not None:
            stored = conversation.data.get("language")
        language = self.services.catalogs.choose(stored, user.language_code)
        zone = (partner.timezone if partner else None) or settings.locale.default_timezone
        translator = self.services.catalogs.translator(language, zone)
        return Turn(update, context, self.services, uow, user, partner, conversation, translator)

    async def _authorized(self, turn: Turn, route: Route) -> bool:
        have = level_of(turn.partner)
        if have >= route.level:
            return True
        name = _route_name(route)
        await turn.uow.audit.record(
            "access.refused",
            actor=turn.partner,
            telegram_id=turn.user.id,
            route=name,
            needed=route.level.name.lower(),
            had=have.name.lower(),
        )
        text = _refusal(turn.t, have, route.level)
        if turn.update.callback_query is not None:
            await turn.answer(text, alert=True)
        else:
            await turn.reply(text)
        return False


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
    return f"{route.flow}.{route.step}"


def _refusal(t: Translator, have: Level, needed: Level) -> str:
    if have == Level.GUEST:
        return t.gettext("Please join first: send /start.")
    if needed == Level.FUNDER:
        return t.gettext("Sorry, only coordinators, admins and funders can see summaries.")
    if needed == Level.COORDINATOR:
        return t.gettext("Sorry, only coordinators and admins can do that.")
    return t.gettext("Sorry, only admins can do that.")
