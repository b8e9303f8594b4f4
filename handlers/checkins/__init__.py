"""Check-ins: reporting progress (/checkin: `checkin`, `flow`, `steps`, `submit`), the prompts
and nudges that ask for it, pausing them (/away), a partner's own history (/mycheckins), the
coordinators' /review and the template a programme asks (/template)."""
