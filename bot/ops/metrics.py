"""The bot's Prometheus metrics, in a registry of its own: one per running application, so tests
and the sandbox can run several bots in one process without sharing counts.

Counters and the latency histogram are observed where things happen (a few hundred nanoseconds
each); the gauges about the due queue, leadership, readiness and check-in response rates are
set when /metrics is read.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from telegram import Update

PREFIX = "landscape_bot"
# From an update's arrival to its replies sent: most take well under a second; a reply held
# back by an outage or a restart can take minutes.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# How late the event loop runs what is due (bot/ops/stalls.py): under 10 ms when all is well.
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()

        def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(f"{PREFIX}_{name}", doc, labels, registry=self.registry)

        def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
            return Gauge(f"{PREFIX}_{name}", doc, labels, registry=self.registry)

        self.updates = counter(
            "updates", "Updates handled, by type and outcome (handled, refused, failed)",
            ("type", "outcome"),
        )  # fmt: skip
        self.reply_latency = Histogram(
            f"{PREFIX}_update_reply_seconds",
            "From an update's arrival to its replies sent",
            registry=self.registry,
            buckets=LATENCY_BUCKETS,
        )
        self.loop_lag = Histogram(
            f"{PREFIX}_event_loop_lag_seconds",
            "How late the event loop woke a task that asked to wake (checked 20 times a second)",
            registry=self.registry,
            buckets=LAG_BUCKETS,
        )
        self.handler_errors = counter("handler_errors", "Handler exceptions, every try counted")
        self.deliveries = counter(
            "deliveries", "Scheduled messages by kind and outcome", ("kind", "outcome")
        )
        self.rate_limit_waits = counter(
            "rate_limit_waits", "Sends that waited for Telegram's limits (overall, chat, group)"
        )
        self.rate_limit_wait_seconds = counter(
            "rate_limit_wait_seconds", "Time sends spent waiting for Telegram's limits"
        )
        self.retry_after_pauses = counter(
            "retry_after_pauses", "Times Telegram answered RetryAfter and every send paused"
        )
        self.retry_after_seconds = counter(
            "retry_after_seconds", "Seconds of pause Telegram asked for with RetryAfter"
        )
        self.due_deliveries = gauge(
            "due_deliveries", "Deliveries due and waiting to be sent (counted up to 10000)"
        )
        self.oldest_due_age = gauge(
            "oldest_due_age_seconds", "How long the longest-waiting due delivery has waited"
        )
        self.sending_leader = gauge(
            "sending_leader", "1 while this replica holds the sending lock and sends"
        )
        self.ready = gauge("ready", "1 while a readiness check passes, by check", ("check",))
        self.checkins_expected = gauge(
            "checkins_expected", "Partners expected to report in the current period, by programme",
            ("programme",),
        )  # fmt: skip
        self.checkins_responded = gauge(
            "checkins_responded", "Of those, partners who have reported, by programme",
            ("programme",),
        )  # fmt: skip
        self.response_rate = gauge(
            "checkin_response_rate",
            "Responded / expected in the current period (0 when nobody is expected)",
            ("programme",),
        )


def update_type(update: Update) -> str:
    """The update's kind (message, callback_query, ...); only Telegram's names become labels."""
    for key in Update.ALL_TYPES:
        if getattr(update, key, None) is not None:
            return key
    return "other"
