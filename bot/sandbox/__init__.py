"""Local sandbox: a fake Telegram Bot API server and tools to chat with the bot offline."""
