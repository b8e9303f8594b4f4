"""Groups and channels in the sandbox Bot API: members and their statuses, `getChatMember`, the
bot added to or removed from a group or channel (`my_chat_member` updates, as Telegram sends
them, from whoever did it), a group upgraded to a supergroup, and a user blocking or unblocking
the bot in private (also `my_chat_member`).

A bot that is not (or no longer) a member of a group or channel gets Telegram's 403 for
anything it sends there; in a channel only an administrator may post, so a bot left there
without the right gets Telegram's 400; a group that became a supergroup answers 400 with the
new id, as Telegram does."""

from __future__ import annotations

import time

from bot.sandbox.api_objects import ApiError, JsonDict, StoredChat, bad_request
from bot.sandbox.api_params import Params
from bot.sandbox.api_state import BotApiState

STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
PRESENT = frozenset({"creator", "administrator", "member"})
ADMINS = frozenset({"creator", "administrator"})
KINDS = ("group", "supergroup", "channel")
# What Telegram sends for an administrator's rights; the sandbox grants them all.
_ADMIN_RIGHTS = (
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


class Groups:
    def __init__(self, state: BotApiState) -> None:
        self.state = state
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id

    # --- set-up and what users do ------------------------------------------------------------

    def add_group(
        self, chat_id: int, title: str, *, kind: str = "group", topics: set[int] | None = None
    ) -> None:
        """A group or channel; with `topics` (thread ids), a forum supergroup with those topics."""
        if kind not in KINDS:
            raise ValueError(f"not a group or channel type: {kind}")
        if topics is not None and kind != "supergroup":
            raise ValueError("only a supergroup can be a forum")
        self.state.chats.setdefault(chat_id, StoredChat(chat_id, kind, title, topics=topics))

    def set_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        """Put a user in a group with `status` (no update: the bot does not see it)."""
        if status not in STATUSES:
            raise ValueError(f"unknown member status {status}")
        if user_id not in self.state.users and user_id != self.state.bot_user.id:
            raise KeyError(f"unknown sandbox user {user_id}; call add_user first")
        self._group(chat_id).members[user_id] = status

    def set_bot_status(self, chat_id: int, by_user_id: int, status: str) -> int:
        """Someone adds, promotes or removes the bot: its status changes and the bot gets a
        `my_chat_member` update. Returns the update_id."""
        chat = self._group(chat_id)
        bot = self.state.bot_user.id
        old = chat.members.get(bot, "left")
        chat.members[bot] = status
        return self._member_update(chat, by_user_id, old, status)

    def set_blocked(self, user_id: int, blocked: bool) -> int:
        """A user blocks (or unblocks) the bot in their private chat."""
        chat = self.state.chat(user_id)
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        return self._member_update(chat, user_id, old, new)

    def migrate(self, chat_id: int, new_id: int, *, announce: bool = True) -> int | None:
        """The group becomes a supergroup with a new id, members and all: a service message
        in each chat says so, as on Telegram (unless `announce` is False: updates the bot
        missed). Returns the update_id of the old chat's one."""
        old = self._group(chat_id)
        new = StoredChat(new_id, "supergroup", old.title, members=dict(old.members))
        self.state.chats[new_id] = new
        self.migrated[chat_id] = new_id
        if not announce:
            return None
        admin = next(u for u, s in old.members.items() if s == "creator")
        update_id = self._service(old, admin, {"migrate_to_chat_id": new_id})
        self._service(new, admin, {"migrate_from_chat_id": chat_id})
        return update_id

    # --- what the bot may do -----------------------------------------------------------------

    def refusal(self, chat_id: int | str | None) -> ApiError | None:
        """Telegram's answer to a bot writing to a group it is not in, or one that migrated."""
        if not isinstance(chat_id, int) or chat_id >= 0:
            return None
        if chat_id in self.migrated:
            return ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat_id],
            )
        chat = self.state.chats.get(chat_id)
        status = chat.members.get(self.state.bot_user.id, "left") if chat else "left"
        if chat is None or status in (ADMINS if chat.type == "channel" else PRESENT):
            return None
        if status == "member":  # a channel's subscriber
            return ApiError(400, "Bad Request: need administrator rights in the channel chat")
        if status == "kicked":
            return ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        return ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")

    async def get_chat_member(self, params: Params) -> JsonDict:
        chat = self.state.chat(params.chat_id())
        user_id = params.integer("user_id")
        user = self.state.users.get(user_id or 0)
        if user_id == self.state.bot_user.id:
            user = self.state.bot_user
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private":
            status = "member" if chat.id == user.id else "left"
        else:
            status = chat.members.get(user.id, "left")
        return member(user.to_api(), status)

    # --- helpers -----------------------------------------------------------------------------

    def _group(self, chat_id: int) -> StoredChat:
        chat = self.state.chats.get(chat_id)
        if chat is None or chat.type not in KINDS:
            raise KeyError(f"no sandbox group or channel {chat_id}; call add_group first")
        return chat

    def _member_update(self, chat: StoredChat, by_user_id: int, old: str, new: str) -> int:
        bot = self.state.bot_user.to_api()
        return self.state.push_update(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": self.state.users[by_user_id].to_api(),
                "date": int(time.time()),
                "old_chat_member": member(bot, old),
                "new_chat_member": member(bot, new),
            },
        )

    def _service(self, chat: StoredChat, user_id: int, fields: JsonDict) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        payload = {
            "message_id": message_id,
            "from": self.state.users[user_id].to_api(),
            "date": int(time.time()),
            "chat": chat.to_api(),
            **fields,
        }
        return self.state.push_update("message", payload)


def member(user: JsonDict, status: str) -> JsonDict:
    """A ChatMember object as the Bot API writes it for `status`."""
    data: JsonDict = {"user": user, "status": status}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(_ADMIN_RIGHTS, True), is_anonymous=False)
    elif status == "kicked":
        data["until_date"] = 0
    return data
