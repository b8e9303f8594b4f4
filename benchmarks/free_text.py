"""How long a partner waits for an answer to a question in their own words, with 1,000 FAQ
entries in six languages, against the bot's reply to /help on the same run as the baseline.

Both go the whole way: the local Bot API server (loopback only), polling, the pipeline, SQLite,
the understanding of the question, and the reply back over HTTP. Run:

    .venv/bin/python -m benchmarks.free_text [--questions 300] [--entries 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bot.app import build_services
from bot.content import apply_content, read_content_file
from bot.runner import serve
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.models import FaqEntry, PartnerStatus, Role, StakeholderType, utcnow
from storage.uow import UnitOfWork

TOKEN = "100000002:benchmark-token-for-the-local-bot-api"  # noqa: S105
EXAMPLE = Path(__file__).parents[1] / "bot" / "examples" / "content.toml"
LANGUAGES = ("en", "fr", "es", "ar", "km", "ko")
# Words to build distinct, plausible FAQ questions from, per language.
TOPICS = {
    "en": ["seedlings", "nursery", "fire", "grazing", "tenure", "drought", "water", "training",
           "funding", "report", "survey", "women's group", "market", "compost", "fence"],
    "fr": ["plants", "pépinière", "feu", "pâturage", "foncier", "sécheresse", "eau", "formation",
           "financement", "rapport", "enquête", "groupe de femmes", "marché", "compost", "clôture"],
    "es": ["plántulas", "vivero", "incendio", "pastoreo", "tenencia", "sequía", "agua",
           "capacitación", "financiación", "informe", "encuesta", "grupo de mujeres", "mercado",
           "compost", "cerca"],
    "ar": ["الشتلات", "المشتل", "الحريق", "الرعي", "الحيازة", "الجفاف", "الماء", "التدريب",
           "التمويل", "التقرير", "المسح", "مجموعة النساء", "السوق", "السماد", "السياج"],
    "km": ["កូនឈើ", "ថ្នាលបណ្តុះ", "ភ្លើងឆេះ", "ការឃ្វាល", "កម្មសិទ្ធិដី", "គ្រោះរាំងស្ងួត", "ទឹក",
           "វគ្គបណ្តុះបណ្តាល", "មូលនិធិ", "របាយការណ៍", "ការស្ទង់", "ក្រុមស្ត្រី", "ទីផ្សារ", "ជី", "របង"],
    "ko": ["묘목", "양묘장", "산불", "방목", "토지 소유", "가뭄", "물", "교육", "자금", "보고서",
           "조사", "여성 모임", "시장", "퇴비", "울타리"],
}  # fmt: skip
TEMPLATES = {
    "en": ["how do we handle {t} in {p}", "who pays for {t} in {p}", "rules for {t} at {p}"],
    "fr": ["comment gérer {t} à {p}", "qui paie {t} à {p}", "règles pour {t} à {p}"],
    "es": ["cómo manejar {t} en {p}", "quién paga {t} en {p}", "reglas de {t} en {p}"],
    "ar": ["كيف نتعامل مع {t} في {p}", "من يدفع {t} في {p}", "قواعد {t} في {p}"],
    "km": ["តើគ្រប់គ្រង{t}នៅ{p}យ៉ាងដូចម្តេច", "អ្នកណាចំណាយ{t}នៅ{p}", "ច្បាប់{t}នៅ{p}"],
    "ko": ["{p}에서 {t} 관리 방법", "{p}의 {t} 비용은 누가", "{p} {t} 규칙"],
}  # fmt: skip
PLACES = ["Kampot", "Pursat", "Atlas", "Ifrane", "Bekaa", "Shouf", "Ziro", "Tafila", "Efate",
          "Tanna", "Cusco", "Puno", "Kigali", "Huye", "Mindoro", "Leyte", "Sahel", "Kaya",
          "Peten", "Chiquimula"]  # fmt: skip


def faq_entries(count: int) -> list[FaqEntry]:
    """`count` distinct entries, each with a question and two trigger phrases per language."""
    entries = []
    for n in range(count):
        topic, place = n % len(TOPICS["en"]), PLACES[(n // len(TOPICS["en"])) % len(PLACES)]
        variant = n // (len(TOPICS["en"]) * len(PLACES))
        texts = {
            language: [
                template.format(t=TOPICS[language][topic], p=f"{place} {variant}")
                for template in TEMPLATES[language]
            ]
            for language in LANGUAGES
        }
        entries.append(
            FaqEntry(
                slug=f"bench-{n}",
                question={language: phrases[0] for language, phrases in texts.items()},
                answer=dict.fromkeys(LANGUAGES, f"Answer {n}."),
                triggers={language: phrases[1:] for language, phrases in texts.items()},
            )
        )
    return entries


def questions(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(partner, text): FAQ questions with a typo, built-in intents, and unanswerable ones."""
    asked = []
    for n in range(count):
        language_index = n % len(LANGUAGES)
        language = LANGUAGES[language_index]
        kind = n % 3
        if kind == 0:
            topic, place = rng.randrange(len(TOPICS[language])), rng.choice(PLACES)
            text = TEMPLATES[language][1].format(t=TOPICS[language][topic], p=f"{place} 0")
            cut = rng.randrange(1, len(text) - 1)
            text = text[:cut] + text[cut + 1 :]  # one letter lost
        elif kind == 1:
            text = {"en": "when is the next meeting", "fr": "prochaine réunion",
                    "es": "próxima reunión", "ar": "متى الاجتماع القادم",
                    "km": "ពេលណាប្រជុំបន្ទាប់", "ko": "다음 회의 언제"}[language]  # fmt: skip
        else:
            text = f"zzq {rng.randrange(10**6)} xylophone"
        asked.append((8000 + language_index, text))
    return asked


async def prepare(uow: UnitOfWork, entries: int) -> None:
    await apply_content(uow, read_content_file(EXAMPLE))
    for entry in faq_entries(entries):
        await uow.faq.add(entry)
    for n, language in enumerate(LANGUAGES):
        partner = await uow.partners.create(8000 + n, username=None, language=language)
        partner.name, partner.organisation = f"Bench {language}", "Benchmark"
        partner.stakeholder_type, partner.role = StakeholderType.COMMUNITY, Role.PARTNER
        partner.status, partner.timezone = PartnerStatus.ACTIVE, "UTC"
        partner.consent_at = partner.joined_at = utcnow()
        landscape = await uow.places.landscape_by_slug("flrm-cambodia")
        await uow.partners.set_landscapes(partner, [landscape] if landscape else [])


async def round_trip(api: LocalBotApi, partner: int, text: str) -> float:
    before = api.activity(partner)
    started = time.perf_counter()
    await api.send_text(partner, text)
    if await api.wait_for_activity(partner, before, 10.0) == before:
        raise RuntimeError(f"no reply to {text!r}")
    return (time.perf_counter() - started) * 1000


async def run(question_count: int, entry_count: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as directory:
        async with LocalBotApi(TOKEN) as api:
            settings = Settings(
                telegram={"token": TOKEN, "base_url": api.base_url,
                          "base_file_url": api.base_file_url},
                database={"url": f"sqlite+aiosqlite:///{directory}/bench.db"},
                logging={"level": "WARNING"},
                health={"enabled": False},
            )  # fmt: skip
            services = build_services(settings)
            await services.db.upgrade()
            async with services.db.unit_of_work() as uow:
                await prepare(uow, entry_count)
            for n, language in enumerate(LANGUAGES):
                api.add_user(8000 + n, f"Bench {language}", language_code=language)
            rss_before = rss_mib()
            stop, ready = asyncio.Event(), asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(serve(services, stop, ready))
            await ready.wait()
            await services.understanding.settled()  # indexed in the background since start
            indexing = time.perf_counter() - started
            rss_indexed = rss_mib()
            asked = questions(question_count, rng)
            await round_trip(api, 8000, asked[0][1])
            free, baseline = [], []
            for partner, text in asked:  # interleaved, so both see the same machine
                free.append(await round_trip(api, partner, text))
                baseline.append(await round_trip(api, partner, "/help"))
            understanding = await alone(services, asked)
            noticed, caught_up = await edited(services)
            stop.set()
            await task
            await services.db.dispose()
    report(free, baseline, understanding, entry_count)
    print(
        f"indexing {entry_count} entries x {len(LANGUAGES)} languages and the built-in phrases"
        f" from nothing: {indexing:.1f} s, in the background; after an edit, the question that"
        f" notices it: {noticed:.0f} ms, the index caught up: {caught_up:.0f} ms;"
        f" RSS {rss_before:.0f} MiB before, {rss_indexed:.0f} MiB indexed"
    )


async def alone(services: Services, asked: list[tuple[int, str]]) -> float:
    """Milliseconds to read a question, without the round trip."""
    started = time.perf_counter()
    for _, text in asked:
        async with services.db.unit_of_work() as uow:
            await services.understanding.read(uow, text, "en", date(2026, 12, 7), lambda _: True)
    return (time.perf_counter() - started) * 1000 / len(asked)


async def edited(services: Services) -> tuple[float, float]:
    """After an FAQ entry is edited: milliseconds for the question that notices it, and until
    the index has caught up (in the background, past INLINE_CONTENT texts)."""
    async with services.db.unit_of_work() as uow:
        entry = await uow.faq.by_slug("bench-0")
        assert entry is not None
        entry.question = {**entry.question, "en": "Who repairs the nursery fence at Kampot?"}
    started = time.perf_counter()
    async with services.db.unit_of_work() as uow:
        await services.understanding.read(uow, "fence", "en", date(2026, 12, 7), lambda _: True)
    noticed = (time.perf_counter() - started) * 1000
    await services.understanding.settled()
    return noticed, (time.perf_counter() - started) * 1000


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def report(free: list[float], baseline: list[float], reading: float, entries: int) -> None:
    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98]

    print(f"{len(free)} questions, {entries} FAQ entries x {len(LANGUAGES)} languages\n")
    print(f"| {'reply to':<28} | {'median ms':>9} | {'p99 ms':>8} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 10}|")
    for label, values in (("a free-text question", free), ("/help (baseline)", baseline)):
        print(f"| {label:<28} | {statistics.median(values):9.1f} | {p99(values):8.1f} |")
    ratio = statistics.median(free) / statistics.median(baseline)
    print(f"\nfree text / help, median: {ratio:.2f}x; understanding alone: {reading:.1f} ms each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.questions, args.entries))


if __name__ == "__main__":
    main()
