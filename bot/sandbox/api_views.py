"""How stored messages look from outside: as Bot API Message objects, as snapshots of what the
user now sees, and as a readable transcript of a chat."""

from __future__ import annotations

from bot.sandbox.api_objects import (
    Attachment,
    Button,
    JsonDict,
    SentMessage,
    StoredChat,
    StoredMessage,
)


def message_to_api(chat: StoredChat, message: StoredMessage) -> JsonDict:
    data: JsonDict = {
        "message_id": message.message_id,
        "from": message.sender.to_api(),
        "date": message.date,
        "chat": chat.to_api(),
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.thread_id is not None:
        data["message_thread_id"], data["is_topic_message"] = message.thread_id, True
    if message.reply_to is not None:
        data["reply_to_message"] = message.reply_to
    stored = message.media
    if message.location is not None:
        data["location"] = {"latitude": message.location[0], "longitude": message.location[1]}
    elif stored is None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    else:
        if message.media_kind == "photo":
            data["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": stored.width,
                    "height": stored.height,
                    "file_size": len(stored.data),
                }
            ]
        else:
            data["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": stored.filename,
                "mime_type": stored.mime_type,
                "file_size": len(stored.data),
            }
        if message.text:
            data["caption"] = message.text
        if message.entities:
            data["caption_entities"] = message.entities
    if message.reply_markup is not None:
        data["reply_markup"] = message.reply_markup
    return data


def snapshot(chat: StoredChat, message: StoredMessage) -> SentMessage:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [
        [Button(b["text"], b.get("callback_data"), b.get("url")) for b in row] for row in rows
    ]
    attachment = None
    if message.media is not None:
        attachment = Attachment(
            message.media.filename,
            message.media.data,
            message.text or None,
            message.media.mime_type,
            message.media.file_id,
        )
    return SentMessage(
        chat_id=chat.id,
        message_id=message.message_id,
        text=message.text,
        html=message.html,
        parse_mode=message.parse_mode,
        buttons=buttons,
        document=attachment if message.media_kind == "document" else None,
        photo=attachment if message.media_kind == "photo" else None,
        edited=message.edit_date is not None,
        deleted=message.deleted,
        revision=message.revision,
        reply_markup=message.reply_markup,
        thread_id=message.thread_id,
        reply_to=message.reply_to["message_id"] if message.reply_to else None,
    )


def transcript(chat: StoredChat) -> str:
    """Readable chat dump: '> ' for the user, '< ' for the bot (current state of each)."""
    lines = []
    for kind, message_id, detail in chat.log:
        message = chat.messages[message_id]
        if kind == "press":
            lines.append(f"> [pressed {detail}]")
            continue
        body = message.text
        if message.location is not None:
            body = f"[location: {message.location[0]}, {message.location[1]}]"
        if message.media is not None:
            body = f"[{message.media_kind}: {message.media.filename}] {body}".rstrip()
        if kind == "user":
            prefix = f"> {message.sender.first_name}: " if chat.type != "private" else "> "
            lines.append(prefix + body.replace("\n", "\n  "))
            continue
        snap = snapshot(chat, message)
        keys = " ".join(f"[{b.text}]" for row in snap.buttons for b in row)
        flags = " (deleted)" if snap.deleted else " (edited)" if snap.edited else ""
        lines.append(f"< {body.replace(chr(10), chr(10) + '  ')} {keys}".rstrip() + flags)
    return "\n".join(lines)
