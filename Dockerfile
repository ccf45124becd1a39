# syntax=docker/dockerfile:1
# automated-fanfic: the daemon with Debian's calibre, FanFicFare (pinned, in a virtualenv) and
# apprise, installed by the same scripts/setup.sh that CI runs. Build: docker build -t automated-fanfic .

FROM node:24-bookworm-slim AS bundle
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run bundle

FROM node:24-bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive \
    AUTOMATED_FANFIC_CONFIG=/config/config.toml \
    FFDL_DATA__DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# Production mode: system packages and FanFicFare only; the bundle below needs no node_modules.
RUN SETUP_PRODUCTION=1 bash scripts/setup.sh \
    && rm -rf /var/lib/apt/lists/* /root/.cache
COPY --from=bundle /src/dist ./dist
COPY bin ./bin
COPY config.example.toml ./
COPY docker/entrypoint.sh /usr/local/bin/automated-fanfic-entrypoint
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin fanfic \
    && mkdir -p /config /data \
    && chown fanfic:fanfic /config /data
USER fanfic
VOLUME ["/config", "/data"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/app/bin/automated-fanfic", "health"]
ENTRYPOINT ["/usr/local/bin/automated-fanfic-entrypoint"]
CMD ["daemon"]
