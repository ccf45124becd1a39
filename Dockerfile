# syntax=docker/dockerfile:1
# automated-fanfic: the daemon with Debian's calibre, FanFicFare (pinned, in a virtualenv) and
# apprise, installed by the same scripts/setup.sh that CI runs, under tini (which reaps the
# processes calibre leaves behind). Build:
#   docker build -t automated-fanfic .
# Behind a proxy that intercepts TLS, hand its CA bundle to npm and pip during the build only (a
# build secret is never stored in the image):
#   docker build --secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt -t automated-fanfic .
# The container starts as root only to give /config and /data to PUID:PGID (default 10001), then
# runs everything as that user; see docker/entrypoint.sh. scripts/ci/image-check.sh builds and runs
# this file in CI.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS bundle
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_bundle; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run bundle

FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive \
    AUTOMATED_FANFIC_CONFIG=/config/config.toml \
    FFDL_DATA__DIR=/data \
    HOME=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/setup.sh scripts/fanficfare-requirements.txt scripts/fanficfare_sites.py scripts/calibre_worker.py ./scripts/
# Production mode: Debian's calibre, apprise, tini and FanFicFare only; the bundle below needs no
# node_modules.
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi; \
    SETUP_PRODUCTION=1 bash scripts/setup.sh \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /root/.cache
# A fixed uid and gid, so files in a volume keep their owner from one image to the next.
RUN groupadd --gid 10001 fanfic \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin fanfic \
    && mkdir -p /config /data \
    && chown fanfic:fanfic /config /data
COPY --from=bundle /src/dist ./dist
COPY bin ./bin
COPY config.example.toml ./
COPY docker/entrypoint.sh /usr/local/bin/automated-fanfic
VOLUME ["/config", "/data"]
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/automated-fanfic", "health"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/automated-fanfic"]
CMD ["daemon"]
