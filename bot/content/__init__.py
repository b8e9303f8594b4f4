"""Programme content as a TOML file: programmes, landscapes, events and FAQ entries.

`read_content` validates a file as a whole; `apply_content` checks it against what is already
stored and writes it in the caller's unit of work, so a bad file changes nothing;
`export_content` writes the same format back out (an export imports as it was).
"""

from bot.content.exporting import export_content
from bot.content.importing import ImportCounts, apply_content
from bot.content.reading import ContentError, read_content, read_content_file

__all__ = [
    "ContentError",
    "ImportCounts",
    "apply_content",
    "export_content",
    "read_content",
    "read_content_file",
]
