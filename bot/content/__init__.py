"""Programme content as a TOML file: programmes, landscapes, events and FAQ entries.

`read_content` validates a file as a whole; `check_content` checks it against what is already
stored, so a bad file changes nothing, and `import_in_steps` writes it in short transactions
(partners are served in between); `apply_content` does both in the caller's unit of work, for
small files. `export_content` writes the same format back out (an export imports as it was).
"""

from bot.content.exporting import export_content
from bot.content.importing import (
    ImportCounts,
    ImportPlan,
    apply_content,
    check_content,
    import_in_steps,
)
from bot.content.reading import ContentError, read_content, read_content_file

__all__ = [
    "ContentError",
    "ImportCounts",
    "ImportPlan",
    "apply_content",
    "check_content",
    "export_content",
    "import_in_steps",
    "read_content",
    "read_content_file",
]
