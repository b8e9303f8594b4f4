"""/checkin: a partner reports progress for a programme they work in, answering its template
one question at a time. With several such programmes they choose one by button, and with
several landscapes in it, the landscape. The prompt's "Check in" button (`ci.start`) starts the
same flow for its programme; an unfinished check-in is resumed where it stopped."""

from __future__ import annotations

from bot.access import Level, programmes_of
from bot.callbacks import InvalidCallback
from bot.checkins.draft import Draft, shape, step_index, step_name
from bot.i18n import N_
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.checkins import flow
from handlers.checkins import steps as checkin_steps
from handlers.checkins import submit as checkin_submit
from handlers.checkins.cards import period_label
from handlers.shared.cards import programme_name
from storage.models import Landscape, Programme, StakeholderType

CHOOSING_PROGRAMME = "programme"
CHOOSING_LANDSCAPE = "landscape"


async def checkin(turn: Turn) -> None:
    """/checkin: the programme to report on, or straight to its first question."""
    if await _funder(turn) or await _resume(turn, None):
        return
    programmes = await _reportable(turn)
    t = turn.t
    if not programmes:
        await turn.reply(t.gettext("There is no check-in to send for your programmes yet."))
    elif len(programmes) == 1:
        await _choose_landscape(turn, programmes[0])
    else:
        await turn.uow.conversations.begin(turn.user.id, flow.FLOW, CHOOSING_PROGRAMME)
        keyboard = [[turn.button(programme_name(t, p), "ci.prog", p.id)] for p in programmes]
        await turn.settle(t.gettext("Which programme is this check-in for?"), keyboard)


async def on_start(turn: Turn) -> None:
    """The check-in prompt's button: start (or resume) the check-in of its programme."""
    programme_id = turn.arg_int()
    if await _funder(turn):
        return
    t = turn.t
    if programme_id not in programmes_of(turn.partner):
        await turn.settle(
            t.gettext("You are no longer part of that programme, so there is nothing to send.")
        )
        return
    found = [p for p in await _reportable(turn) if p.id == programme_id]
    if not found:
        await turn.settle(t.gettext("That programme has no check-in any more."))
        return
    if not await _resume(turn, programme_id):
        await _choose_landscape(turn, found[0])


async def on_programme(turn: Turn) -> None:
    programme_id = turn.arg_int()
    found = [p for p in await _reportable(turn) if p.id == programme_id]
    if not found:
        raise InvalidCallback(f"programme {programme_id}")
    await _choose_landscape(turn, found[0])


async def on_landscape(turn: Turn) -> None:
    assert turn.conversation is not None  # the button belongs to this step
    programme = await turn.uow.programmes.get(int(turn.conversation.data["programme"]))
    landscape_id = turn.arg_int()
    chosen = [place for place in _landscapes(turn, programme) if place.id == landscape_id]
    if programme is None or not chosen:
        raise InvalidCallback(f"landscape {landscape_id}")
    await _begin(turn, programme, chosen[0])


async def _funder(turn: Turn) -> bool:
    """Funders follow progress; they do not report it."""
    if turn.partner is None or turn.partner.stakeholder_type != StakeholderType.FUNDER:
        return False
    await turn.settle(
        turn.t.gettext(
            "Check-ins are for partners who report progress on the ground, "
            "so there is nothing for you to send. Thank you!"
        )
    )
    return True


async def _resume(turn: Turn, programme_id: int | None) -> bool:
    """Continue an unfinished check-in (of `programme_id`, if given) where it stopped."""
    conversation = turn.conversation
    if conversation is None or conversation.flow != flow.FLOW:
        return False
    if conversation.step in (CHOOSING_PROGRAMME, CHOOSING_LANDSCAPE):
        return False  # nothing answered yet: simply start again
    if programme_id is not None and int(conversation.data["programme"]) != programme_id:
        return False
    check = await flow.load(turn)
    if check is None:
        return True
    await turn.settle(turn.t.gettext("Let's continue your check-in where you left it."))
    index = step_index(conversation.step)
    if index is None:
        await flow.show_summary(turn, check)
    else:
        await flow.ask(turn, check, index, check.draft.part, whole=True)
    return True


async def _reportable(turn: Turn) -> list[Programme]:
    """The partner's programmes that have a check-in template, in name order."""
    mine = programmes_of(turn.partner)
    with_template = {template.programme_id for template in await turn.uow.checkins.templates()}
    programmes = await turn.uow.programmes.all()
    return [p for p in programmes if p.id in mine and p.id in with_template]


def _landscapes(turn: Turn, programme: Programme | None) -> list[Landscape]:
    if turn.partner is None or programme is None:
        return []
    return [place for place in turn.partner.landscapes if place.programme_id == programme.id]


async def _choose_landscape(turn: Turn, programme: Programme) -> None:
    landscapes = _landscapes(turn, programme)
    if len(landscapes) <= 1:
        await _begin(turn, programme, landscapes[0] if landscapes else None)
        return
    data = {"programme": programme.id}
    await turn.uow.conversations.begin(turn.user.id, flow.FLOW, CHOOSING_LANDSCAPE, data)
    keyboard = [[turn.button(place.name, "ci.land", place.id)] for place in landscapes]
    await turn.settle(turn.t.gettext("Which landscape is this check-in about?"), keyboard)


async def _begin(turn: Turn, programme: Programme, landscape: Landscape | None) -> None:
    template = await turn.uow.checkins.template_for(programme.id)
    assert template is not None  # a reportable programme
    assert turn.partner is not None
    draft = Draft(programme.id, landscape.id if landscape else None, shape(template.questions))
    await turn.uow.conversations.begin(turn.user.id, flow.FLOW, step_name(0), draft.to_data())
    check = flow.Open(draft, programme, template, landscape)
    t = turn.t
    current = flow.period(turn, template)
    when = period_label(t, template.cadence, current.start)
    intro = t.ngettext(
        "Check-in for {where}, {period}: {n} question. Send /cancel to stop at any time.",
        "Check-in for {where}, {period}: {n} questions. Send /cancel to stop at any time.",
        len(template.questions),
        where=flow.title(t, check),
        period=when,
    )
    if await turn.uow.checkins.has_checkin(turn.partner.id, programme.id, current.start):
        intro += "\n" + t.gettext(
            "You already sent a check-in for {period}; sending this one replaces it.", period=when
        )
    await turn.settle(intro)
    await flow.ask(turn, check, 0, 0)


PARTNER = Level.PARTNER
ROUTES: tuple[Route, ...] = (
    Command("checkin", checkin, PARTNER, N_("Report your progress")),
    Button("ci.start", on_start, PARTNER),
    Button("ci.prog", on_programme, PARTNER, (flow.FLOW, CHOOSING_PROGRAMME)),
    Button("ci.land", on_landscape, PARTNER, (flow.FLOW, CHOOSING_LANDSCAPE)),
    *checkin_steps.ROUTES,
    *checkin_submit.ROUTES,
)
