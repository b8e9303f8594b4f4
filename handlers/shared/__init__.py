"""What several features share: programme and event cards, the language picker and readers of
localized text, and reading typed times and time zones."""
