"""Who may do what: access levels derived from the stored role, checked in one place (the
pipeline) for commands, buttons and flow steps alike."""

from __future__ import annotations

import enum
from collections.abc import Collection

from storage.events import Viewer
from storage.models import Partner, PartnerStatus, Role, StakeholderType


class Level(enum.IntEnum):
    GUEST = 0  # anyone who opens the bot, registered or not
    PARTNER = 1
    FUNDER = 2  # a partner whose stakeholder type is funder: anonymised check-in summaries
    COORDINATOR = 3
    ADMIN = 4


class SummaryView(enum.Enum):
    """How much of the check-ins a summary shows its reader."""

    FULL = "full"  # names, who has not reported, barrier texts
    ANONYMISED = "anonymised"  # totals, averages, counts and response rate only


# An anonymised figure made from fewer check-ins than this is hidden: with one or two, the
# reader could tell which partner answered what.
MIN_ANONYMOUS_CHECKINS = 3


_ROLE_LEVEL = {
    Role.PARTNER: Level.PARTNER,
    Role.COORDINATOR: Level.COORDINATOR,
    Role.ADMIN: Level.ADMIN,
}


def level_of(partner: Partner | None) -> Level:
    if partner is None or not partner.registered or partner.status == PartnerStatus.FORGOTTEN:
        return Level.GUEST
    level = _ROLE_LEVEL[Role(partner.role)]
    if level == Level.PARTNER and partner.stakeholder_type == StakeholderType.FUNDER:
        return Level.FUNDER
    return level


def programmes_of(partner: Partner | None) -> set[int]:
    """The programmes a partner works in: those of their landscapes."""
    return {landscape.programme_id for landscape in partner.landscapes} if partner else set()


def manages(partner: Partner | None, programme_id: int | None) -> bool:
    """May this partner edit content of this programme? Admins: any, including
    partnership-wide content (no programme); coordinators: the programmes they work in."""
    level = level_of(partner)
    if level == Level.ADMIN:
        return True
    return (
        level == Level.COORDINATOR
        and programme_id is not None
        and programme_id in programmes_of(partner)
    )


def managed_programmes(partner: Partner | None) -> set[int] | None:
    """The programmes whose content this partner manages; None means every programme."""
    if level_of(partner) == Level.ADMIN:
        return None
    return programmes_of(partner) if level_of(partner) == Level.COORDINATOR else set()


def summary_view(partner: Partner | None) -> SummaryView | None:
    """Coordinators and admins see check-ins in full, funders anonymised, others not at all."""
    level = level_of(partner)
    if level >= Level.COORDINATOR:
        return SummaryView.FULL
    return SummaryView.ANONYMISED if level == Level.FUNDER else None


def summary_programmes(partner: Partner | None) -> set[int] | None:
    """The programmes whose check-in summaries this partner may see; None means every one.
    Coordinators: those they manage; funders: those of their landscapes."""
    if level_of(partner) == Level.FUNDER:
        return programmes_of(partner)
    return managed_programmes(partner)


def viewer(partner: Partner | None) -> Viewer:
    """Whose calendar: admins see every event; others what their places and kind allow."""
    return Viewer(
        landscape_ids={landscape.id for landscape in partner.landscapes} if partner else set(),
        programme_ids=programmes_of(partner),
        stakeholder_type=partner.stakeholder_type if partner else None,
        sees_all=level_of(partner) == Level.ADMIN,
    )


# Telegram's statuses of a group's admins (getChatMember).
GROUP_ADMIN_STATUSES = frozenset({"creator", "administrator"})


def may_link(partner: Partner | None, programme_id: int | None, member_status: str) -> bool:
    """May this user link a group to this programme, change or remove its link? Only an admin
    of the group (as Telegram says) who manages the programme (a coordinator of it, or an
    admin of the bot)."""
    return member_status in GROUP_ADMIN_STATUSES and manages(partner, programme_id)


def may_list_groups(partner: Partner | None) -> set[int] | None:
    """The programmes whose linked groups this partner may list (None: all); the same as
    the content they manage."""
    return managed_programmes(partner)


def group_viewer(programme_id: int, landscape_ids: Collection[int]) -> Viewer:
    """What a linked group sees: the events of its landscapes (or its whole programme's), and
    none meant for one kind of partner or one role only, since anyone may read a group."""
    return Viewer(
        landscape_ids=set(landscape_ids),
        programme_ids={programme_id},
        stakeholder_type=None,
        in_group=True,
    )


def settled_role(partner: Partner, admins: Collection[int]) -> Role:
    """The role a partner should hold: admin exactly when the settings list them.

    Admins are configured, never granted in chat, so removing someone from the settings
    demotes them on their next update.
    """
    if partner.telegram_id in admins:
        return Role.ADMIN
    return Role.PARTNER if partner.role == Role.ADMIN else Role(partner.role)
