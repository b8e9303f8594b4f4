"""/mycheckins: a partner's own recent check-ins — never anyone else's — with their answers in
the partner's language and number format, and how the coordinator received each one."""

from __future__ import annotations

from bot.access import Level
from bot.i18n import N_, Translator, escape
from bot.routing import Command, Route
from bot.turn import Turn
from handlers.checkins.cards import answer_lines, period_label, stored_answers
from handlers.shared.cards import programme_name
from storage.models import Checkin, CheckinStatus, CheckinTemplate, Programme

SHOWN = 5
_STATUS = {
    CheckinStatus.SUBMITTED: N_("Sent, not reviewed yet"),
    CheckinStatus.REVIEWED: N_("Reviewed ✓"),
    CheckinStatus.FLAGGED: N_("Flagged: the coordinator has a question"),
}


async def my_checkins(turn: Turn) -> None:
    """/mycheckins: the latest check-ins this partner sent, newest first."""
    partner = turn.partner
    assert partner is not None  # Level.PARTNER
    t = turn.t
    checkins = await turn.uow.checkins.recent_for(partner.id, SHOWN)
    if not checkins:
        await turn.reply(
            t.gettext("You have not sent any check-ins yet. Send /checkin to send one.")
        )
        return
    programmes = {p.id: p for p in await turn.uow.programmes.all()}
    templates = {tpl.programme_id: tpl for tpl in await turn.uow.checkins.templates()}
    cards = [
        _card(t, checkin, programmes[checkin.programme_id], templates.get(checkin.programme_id))
        for checkin in checkins
    ]
    heading = t.gettext("Your latest check-ins")
    await turn.reply(f"<b>{heading}</b>\n\n" + "\n\n".join(cards))


def _card(
    t: Translator, checkin: Checkin, programme: Programme, template: CheckinTemplate | None
) -> str:
    landscapes = {place.id: place.name for place in programme.landscapes}
    where = programme_name(t, programme)
    if checkin.landscape_id in landscapes:
        where += " · " + landscapes[checkin.landscape_id]
    cadence = template.cadence if template else "monthly"
    lines = [
        f"<b>{escape(where)} — {escape(period_label(t, cadence, checkin.period_start))}</b>",
        t.gettext("Sent on {date}", date=t.date(checkin.submitted_at.astimezone(t.zone).date())),
        t.gettext("Status: {status}", status=t.gettext(_STATUS[CheckinStatus(checkin.status)])),
    ]
    if checkin.review_comment:
        lines.append(t.gettext("Coordinator's comment: {comment}", comment=checkin.review_comment))
    questions = list(template.questions) if template else []
    answers = stored_answers(checkin.answers)
    lines += answer_lines(t, questions, answers, programme.default_language)
    return "\n".join(lines)


ROUTES: tuple[Route, ...] = (
    Command("mycheckins", my_checkins, Level.PARTNER, N_("Your recent check-ins")),
)
