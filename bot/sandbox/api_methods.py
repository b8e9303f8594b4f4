"""The Bot API methods the sandbox answers besides updates: getMe, sending, editing and deleting
messages and media, callback answers, chat actions, command lists, files, chats and menu
buttons. Each takes the request's parameters and returns its result or raises `ApiError`."""

from __future__ import annotations

from bot.sandbox.api_objects import JsonDict, bad_request
from bot.sandbox.api_params import Params
from bot.sandbox.api_state import BotApiState

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class BotMethods:
    def __init__(self, state: BotApiState) -> None:
        self.state = state

    async def ok(self, params: Params) -> bool:
        return True

    async def get_me(self, params: Params) -> JsonDict:
        return {
            **self.state.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def send_message(self, params: Params) -> JsonDict:
        reply_to, allow_missing = params.reply_to()
        return self.state.send(
            params.chat_id(),
            text=params.text("text") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("entities"),
            reply_markup=params.json("reply_markup"),
            reply_to=reply_to,
            allow_missing_reply=allow_missing,
            thread_id=params.integer("message_thread_id"),
        )

    async def send_media(self, params: Params, kind: str) -> JsonDict:
        chat_id = params.chat_id()
        self.state.chat(chat_id)  # "chat not found" comes before any file error
        value = params.values.get(kind)
        name = (
            value[len("attach://") :]
            if isinstance(value, str) and value.startswith("attach://")
            else kind
        )
        upload = params.uploads.get(name)
        if upload is not None:
            stored = self.state.files.store(kind, upload.data, upload.filename, upload.content_type)
        elif isinstance(value, str) and value:
            stored = self.state.files.find(value)  # re-sending by file_id; URLs are not fetched
            if not stored.file_id.startswith(f"sandbox-{kind}-"):
                raise bad_request(f"wrong file identifier: can't use that file as a {kind}")
        else:
            raise bad_request(f"there is no {kind} in the request")
        reply_to, allow_missing = params.reply_to()
        return self.state.send(
            chat_id,
            text=params.text("caption") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("caption_entities"),
            reply_markup=params.json("reply_markup"),
            reply_to=reply_to,
            allow_missing_reply=allow_missing,
            media=(kind, stored),
            thread_id=params.integer("message_thread_id"),
        )

    async def send_document(self, params: Params) -> JsonDict:
        return await self.send_media(params, "document")

    async def send_photo(self, params: Params) -> JsonDict:
        return await self.send_media(params, "photo")

    async def edit_message_text(self, params: Params) -> JsonDict:
        if "inline_message_id" in params.values:
            raise bad_request("inline messages are not supported by the sandbox")
        return self.state.edit_text(
            params.chat_id(),
            params.required_int("message_id"),
            text=params.text("text") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("entities"),
            reply_markup=params.json("reply_markup"),
        )

    async def edit_message_reply_markup(self, params: Params) -> JsonDict:
        return self.state.edit_markup(
            params.chat_id(), params.required_int("message_id"), params.json("reply_markup")
        )

    async def delete_message(self, params: Params) -> bool:
        return self.state.delete(params.chat_id(), params.required_int("message_id"))

    async def answer_callback_query(self, params: Params) -> bool:
        return self.state.answer_callback(
            params.text("callback_query_id") or "",
            params.text("text"),
            params.flag("show_alert"),
            params.text("url"),
        )

    async def send_chat_action(self, params: Params) -> bool:
        self.state.chat(params.chat_id())
        if params.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not (
                1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self.state.command_key(params.json("scope"), params.text("language_code"))
        self.state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def get_my_commands(self, params: Params) -> list[JsonDict]:
        key = self.state.command_key(params.json("scope"), params.text("language_code"))
        return self.state.commands.get(key, [])

    async def delete_my_commands(self, params: Params) -> bool:
        key = self.state.command_key(params.json("scope"), params.text("language_code"))
        self.state.commands.pop(key, None)
        return True

    async def get_file(self, params: Params) -> JsonDict:
        return self.state.files.get_file(params.text("file_id") or "")

    async def get_chat(self, params: Params) -> JsonDict:
        chat = self.state.chat(params.chat_id())
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, True), "gifts_from_channels": False},
        }

    async def set_chat_menu_button(self, params: Params) -> bool:
        chat_id = params.integer("chat_id")
        if chat_id is not None:
            self.state.chat(chat_id)
        self.state.menu_buttons[chat_id] = params.json("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, params: Params) -> JsonDict:
        chat_id = params.integer("chat_id")
        default = self.state.menu_buttons.get(None, {"type": "commands"})
        return self.state.menu_buttons.get(chat_id, default)
