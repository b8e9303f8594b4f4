"""/review: coordinators read the check-ins of their programmes and mark each reviewed, or flag
it with a comment that reaches the partner — through the delivery path, in the partner's
language — so the barriers it reports stay open until someone has dealt with them.

The programme is checked again on every press and every typed comment (`manages`), so a list
shown before a role changed cannot be used after it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, managed_programmes, manages
from bot.callbacks import InvalidCallback
from bot.delivery.kinds import Kind, Message, RenderContext, Skip
from bot.i18n import N_, escape
from bot.replies import Keyboard
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.checkins.cards import answer_lines, period_label, stored_answers
from handlers.shared.cards import programme_name
from handlers.shared.localized_input import clip, read_text
from storage.deliveries import NewDelivery
from storage.models import Checkin, CheckinStatus

FLOW = "review"
KIND = "review"
PAGE = 6  # with « Newer and Older » below, a keyboard of 8 fits a phone screen
COMMENT_MAX = 500


async def list_waiting(turn: Turn) -> None:
    """/review"""
    await _drop_comment(turn)
    await turn.settle(*await _waiting(turn, 0))


async def on_page(turn: Turn) -> None:
    await _drop_comment(turn)
    await turn.settle(*await _waiting(turn, max(0, turn.arg_int())))


async def _drop_comment(turn: Turn) -> None:
    """Leaving a comment unsent: the next text is not taken for it."""
    if turn.conversation is not None and turn.conversation.flow == FLOW:
        await turn.uow.conversations.end(turn.user.id)


async def _waiting(turn: Turn, offset: int) -> tuple[str, Keyboard | None]:
    t = turn.t
    scope = managed_programmes(turn.partner)
    items = await turn.uow.checkin_reviews.waiting(scope, offset=offset, limit=PAGE + 1)
    if not items and offset > 0:
        return await _waiting(turn, max(0, offset - PAGE))
    if not items:
        return t.gettext("No check-ins are waiting for review. 🎉"), None
    keyboard: list[list[InlineKeyboardButton]] = []
    for item in items[:PAGE]:
        day = t.date(item.submitted_at.astimezone(t.zone).date(), "medium")
        who = ", ".join(filter(None, [item.partner_name or "?", item.landscape_name]))
        flag = "🚩 " if item.status == CheckinStatus.FLAGGED else ""
        keyboard.append([turn.button(clip(f"{flag}{day} · {who}"), "rv.open", item.checkin_id)])
    paging = []
    if offset > 0:
        paging.append(turn.button(t.gettext("« Newer"), "rv.page", max(0, offset - PAGE)))
    if len(items) > PAGE:
        paging.append(turn.button(t.gettext("Older »"), "rv.page", offset + PAGE))
    if paging:
        keyboard.append(paging)
    text = "<b>" + t.gettext("Check-ins to review") + "</b>\n"
    return text + t.gettext("Choose one to read it in full. 🚩 marks those you flagged."), keyboard


async def _checkin(turn: Turn, checkin_id: int) -> Checkin:
    """The check-in, if this coordinator (still) manages its programme."""
    checkin = await turn.uow.checkins.get(checkin_id)
    if checkin is None or not manages(turn.partner, checkin.programme_id):
        raise InvalidCallback("check-in gone or not yours")
    return checkin


async def on_open(turn: Turn) -> None:
    checkin = await _checkin(turn, turn.arg_int())
    await _drop_comment(turn)  # "« Back" from writing one
    await turn.settle(*await _card(turn, checkin))


async def _card(turn: Turn, checkin: Checkin) -> tuple[str, Keyboard]:
    t = turn.t
    programme = await turn.uow.programmes.get(checkin.programme_id)
    partner = await turn.uow.partners.get(checkin.partner_id)
    landscape = await turn.uow.places.landscape(checkin.landscape_id or 0)
    template = await turn.uow.checkins.template_for(checkin.programme_id)
    assert programme is not None  # check-ins go with their programme
    default = programme.default_language
    who = (partner.name if partner else None) or "?"
    if partner is not None and partner.organisation:
        who += f" ({partner.organisation})"
    place = " · ".join(
        filter(None, [programme_name(t, programme), landscape.name if landscape else None])
    )
    cadence = template.cadence if template else "monthly"
    lines = [
        f"<b>{escape(who)}</b>",
        escape(place),
        t.gettext("Period: {period}", period=period_label(t, cadence, checkin.period_start)),
        t.gettext("Sent: {when}", when=t.when(checkin.submitted_at)),
    ]
    if checkin.status == CheckinStatus.FLAGGED:
        lines.append(t.gettext("🚩 Flagged: {comment}", comment=checkin.review_comment or ""))
    elif checkin.status == CheckinStatus.REVIEWED:
        lines.append(t.gettext("✓ Reviewed"))
    questions = template.questions if template else []
    lines += ["", *answer_lines(t, questions, stored_answers(checkin.answers), default)]
    keyboard = [
        [turn.button(t.gettext("✓ Mark reviewed"), "rv.ok", checkin.id)],
        [turn.button(t.gettext("🚩 Flag with a comment"), "rv.flag", checkin.id)],
        [turn.button(t.gettext("« Back to the list"), "rv.page", 0)],
    ]
    return "\n".join(lines), keyboard


async def on_reviewed(turn: Turn) -> None:
    checkin = await _checkin(turn, turn.arg_int())
    assert turn.partner is not None  # Level.COORDINATOR
    if checkin.status != CheckinStatus.REVIEWED:
        now = turn.services.clock()
        await turn.uow.checkin_reviews.mark(
            checkin, CheckinStatus.REVIEWED, by=turn.partner, at=now
        )
        await _record(turn, "checkin.reviewed", checkin=checkin.id)
    await turn.answer(turn.t.gettext("Marked as reviewed."))
    await turn.settle(*await _waiting(turn, 0))


async def on_flag(turn: Turn) -> None:
    checkin = await _checkin(turn, turn.arg_int())
    await turn.uow.conversations.begin(turn.user.id, FLOW, "comment", {"checkin": checkin.id})
    t = turn.t
    prompt = t.ngettext(
        "What should the partner know or fix? Send your comment (at most {n} character). "
        "They get it with the check-in's period, in their language.",
        "What should the partner know or fix? Send your comment (at most {n} characters). "
        "They get it with the check-in's period, in their language.",
        COMMENT_MAX,
    )
    await turn.settle(prompt, [[turn.button(t.gettext("« Back"), "rv.open", checkin.id)]])


async def on_comment(turn: Turn) -> None:
    comment, hint = read_text(turn.t, turn.text, COMMENT_MAX)
    if comment is None:
        await turn.reply(hint or "")  # the step stays open: the coordinator sends it again
        return
    assert turn.conversation is not None
    assert turn.partner is not None  # Level.COORDINATOR
    checkin = await turn.uow.checkins.get(int(turn.conversation.data.get("checkin", 0)))
    await turn.uow.conversations.end(turn.user.id)
    if checkin is None or not manages(turn.partner, checkin.programme_id):
        await turn.reply(
            turn.t.gettext("You can no longer review this check-in. Nothing was sent.")
        )
        return
    now = turn.services.clock()
    await turn.uow.checkin_reviews.mark(
        checkin, CheckinStatus.FLAGGED, by=turn.partner, at=now, comment=comment
    )
    # One delivery per flag: a second comment on the same check-in is a new message.
    source = f"checkin:{checkin.id}:{int(now.timestamp() * 1000)}"
    await turn.uow.deliveries.enqueue(
        KIND,
        source,
        [NewDelivery(checkin.partner_id, now, payload={"checkin": checkin.id, "comment": comment})],
        priority=0,
    )
    await _record(turn, "checkin.flagged", checkin=checkin.id, length=len(comment))
    await turn.reply(turn.t.gettext("Flagged. The partner will get your comment."))
    await turn.reply(*await _waiting(turn, 0))


async def render_review(context: RenderContext) -> Message | Skip:
    """The flag, as its partner reads it; nothing if the check-in was reviewed or sent again
    meanwhile."""
    t, uow = context.t, context.uow
    payload = context.delivery.payload
    checkin = await uow.checkins.get(int(payload.get("checkin", 0)))
    if checkin is None or checkin.status != CheckinStatus.FLAGGED:
        return Skip("no longer flagged")
    if checkin.review_comment != payload.get("comment"):
        return Skip("a later comment replaced it")  # that comment has its own delivery
    programme = await uow.programmes.get(checkin.programme_id)
    template = await uow.checkins.template_for(checkin.programme_id)
    reviewer = await uow.partners.get(checkin.reviewed_by or 0)
    period = period_label(t, template.cadence if template else "monthly", checkin.period_start)
    heading = t.gettext(
        "{name} has a question about your check-in for {period} ({programme}):",
        name=(reviewer.name if reviewer else None) or t.gettext("Your coordinator"),
        period=period,
        programme=programme_name(t, programme) if programme else "",
    )
    closing = t.gettext("Reply with /contact, or send the check-in again with /checkin.")
    return Message(f"{heading}\n\n«{escape(checkin.review_comment)}»\n\n{closing}")


async def _record(turn: Turn, action: str, **detail: object) -> None:
    await turn.uow.audit.record(action, actor=turn.partner, telegram_id=turn.user.id, **detail)


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("review", list_waiting, COORDINATOR, N_("Review the check-ins partners sent")),
    Button("rv.page", on_page, COORDINATOR),
    Button("rv.open", on_open, COORDINATOR),
    Button("rv.ok", on_reviewed, COORDINATOR),
    Button("rv.flag", on_flag, COORDINATOR),
    Step(FLOW, "comment", on_comment, COORDINATOR),
)
KINDS = (Kind(KIND, render=render_review),)
