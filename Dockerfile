# landscape-bot: a small image that runs `landscape-bot run` as an unprivileged user.
# Build: docker build -t landscape-bot .
# Run:   docker run -e LANDSCAPE_BOT_TELEGRAM__TOKEN=... -v landscape-data:/data landscape-bot

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
# Catalogs (.po) and the example content ship inside the package: nothing else to copy.
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /data --create-home bot
USER bot
WORKDIR /data
ENV PYTHONUNBUFFERED=1 \
    LANDSCAPE_BOT_DATABASE__URL=sqlite+aiosqlite:////data/landscape-bot.db
# Webhook mode listens here; GET /healthz tells a load balancer whether the bot is healthy.
EXPOSE 8080
ENTRYPOINT ["landscape-bot"]
CMD ["run"]
