"""Who may do what: access levels derived from the stored role, checked in one place (the
pipeline) for commands, buttons and flow steps alike."""

from __future__ import annotations

import enum
from collections.abc import Collection

from storage.models import Partner, PartnerStatus, Role


class Level(enum.IntEnum):
    GUEST = 0  # anyone who opens the bot, registered or not
    PARTNER = 1
    COORDINATOR = 2
    ADMIN = 3


_ROLE_LEVEL = {
    Role.PARTNER: Level.PARTNER,
    Role.COORDINATOR: Level.COORDINATOR,
    Role.ADMIN: Level.ADMIN,
}


def level_of(partner: Partner | None) -> Level:
    if partner is None or not partner.registered or partner.status == PartnerStatus.FORGOTTEN:
        return Level.GUEST
    return _ROLE_LEVEL[Role(partner.role)]


def settled_role(partner: Partner, admins: Collection[int]) -> Role:
    """The role a partner should hold: admin exactly when the settings list them.

    Admins are configured, never granted in chat, so removing someone from the settings
    demotes them on their next update.
    """
    if partner.telegram_id in admins:
        return Role.ADMIN
    return Role.PARTNER if partner.role == Role.ADMIN else Role(partner.role)
