"""Files the sandbox Bot API holds: what users send and what the bot uploads, by file id and by
download path, with photos' sizes read from their headers as Telegram does."""

from __future__ import annotations

import struct
from pathlib import PurePosixPath

from bot.sandbox.api_objects import JsonDict, StoredFile, bad_request

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._next = 1

    def store(self, kind: str, data: bytes, filename: str | None, mime: str | None) -> StoredFile:
        number = self._next
        self._next += 1
        width, height = _image_size(data) if kind == "photo" else (0, 0)
        suffix = PurePosixPath(filename or "").suffix or (".jpg" if kind == "photo" else "")
        stored = StoredFile(
            file_id=f"sandbox-{kind}-{number}",
            file_unique_id=f"u{number}",
            file_path=f"{kind}s/file_{number}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime,
            width=width,
            height=height,
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def find(self, file_id: str) -> StoredFile:
        stored = self.by_id.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def get_file(self, file_id: str) -> JsonDict:
        stored = self.find(file_id)
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


def _image_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return 0, 0  # accepted, dimensions not decoded
    raise bad_request("IMAGE_PROCESS_FAILED")
