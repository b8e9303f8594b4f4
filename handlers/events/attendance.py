"""/attendance: who is coming to an event of a programme the coordinator manages — how many
answered Attend, Maybe or Can't attend, how many of those invited have not answered, and the
names (with organisation) under each answer."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_, Translator, escape
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.events import steps
from handlers.events.reminders import answer_label
from handlers.shared.cards import event_title
from storage.models import Event, Partner, RsvpAnswer


async def attendance(turn: Turn) -> None:
    """/attendance [number]: one event's answers, or a choice of upcoming events."""
    if not turn.args:
        await _picker(turn, 0)
        return
    event = await steps.event_from_args(turn, "attendance")
    if event is not None:
        await _report(turn, event)


async def on_page(turn: Turn) -> None:
    await _picker(turn, max(0, turn.arg_int()))


async def on_pick(turn: Turn) -> None:
    event = await steps.manageable(turn, turn.arg_int())
    if event is None:
        raise InvalidCallback("event not manageable")
    await _report(turn, event)


async def _picker(turn: Turn, offset: int) -> None:
    t = turn.t
    question = t.gettext("Which event do you want the attendance of?")
    none = t.gettext("There are no upcoming events of your programmes.")
    await steps.show_picker(turn, question, none, "att", offset)


async def _report(turn: Turn, event: Event) -> None:
    t = turn.t
    answered = await turn.uow.rsvps.answered(event.id)
    invited = set(await turn.uow.events.audience(event))
    silent = len(invited - {partner.id for partner, _ in answered})
    by_answer: dict[RsvpAnswer, list[Partner]] = {answer: [] for answer in RsvpAnswer}
    for partner, answer in answered:
        by_answer[answer].append(partner)
    lines = [
        t.gettext("<b>Attendance: {title}</b>", title=event_title(t, event)),
        escape(t.when(event.starts_at)),
    ]
    if event.cancelled_at is not None:
        lines.append(t.gettext("<b>Cancelled.</b> This event will not take place."))
    lines.append(
        " · ".join(
            t.gettext("{answer}: {count}", answer=answer_label(t, a), count=t.number(len(people)))
            for a, people in by_answer.items()
        )
    )
    lines.append(
        t.ngettext(
            "No answer yet: {count} of {n} partner invited",
            "No answer yet: {count} of {n} partners invited",
            len(invited),
            count=t.number(silent),
        )
    )
    for answer, people in by_answer.items():
        if people:
            lines += ["", f"<b>{escape(answer_label(t, answer))}</b>"]
            lines += [_person(t, partner) for partner in people]
    await turn.settle("\n".join(lines))


def _person(t: Translator, partner: Partner) -> str:
    name = partner.name or t.gettext("(no name)")
    if partner.organisation:
        return t.gettext("• {name}, {organisation}", name=name, organisation=partner.organisation)
    return t.gettext("• {name}", name=name)


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("attendance", attendance, COORDINATOR, N_("Who is coming to an event")),
    Button("att.page", on_page, COORDINATOR),
    Button("att.pick", on_pick, COORDINATOR),
)
