# landscape-bot: a small image that runs `landscape-bot run` as an unprivileged user.
# Build: docker build -t landscape-bot .
# Run:   docker run -e LANDSCAPE_BOT_TELEGRAM__TOKEN=... -v landscape-data:/data landscape-bot

FROM python:3.11-slim AS build
WORKDIR /src
# Dependencies first, from pyproject.toml alone and pinned by requirements.lock: this layer is
# rebuilt only when they change, not on every change to the code.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir --prefix=/install -c requirements.lock -r requirements.txt
COPY README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install --no-cache-dir --no-deps --prefix=/install .

FROM python:3.11-slim
# Catalogs (.po) and the example content ship inside the package: nothing else to copy.
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /data --create-home bot
USER bot
WORKDIR /data
ENV PYTHONUNBUFFERED=1 \
    LANDSCAPE_BOT_DATABASE__URL=sqlite+aiosqlite:////data/landscape-bot.db
# Webhook mode listens on 8080 (GET /healthz there too, for a load balancer). Health,
# readiness and metrics listen on 8081, on 127.0.0.1 unless LANDSCAPE_BOT_HEALTH__LISTEN=0.0.0.0
# (for a Prometheus outside the container).
EXPOSE 8080 8081
# The slim image has no curl: Python asks. Start-up (migrations, the model) may take a minute.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('LANDSCAPE_BOT_HEALTH__PORT', '8081') + '/healthz', timeout=4)"]
ENTRYPOINT ["landscape-bot"]
CMD ["run"]
