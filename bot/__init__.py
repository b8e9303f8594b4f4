"""The application: CLI, settings, the Application factory, the update pipeline, i18n, access,
and the sandbox (a local Bot API server for trying the bot and for tests)."""
