# bspos container image: one image for the web server, the task worker, the scheduler and one-shot commands
# (migrate, backup, createsuperuser). Build: `docker build -t bspos .` (or podman); compose.yaml runs it.
# Debian bookworm brings Python 3.11 itself, so the base is the plain Debian image and nothing else.

# --- build: a virtualenv with bspos and its runtime dependencies (no test tools) -----------------------------------
FROM debian:bookworm-slim AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/bspos
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# Behind a TLS-inspecting proxy, mount its CA bundle into the build and name it: --build-arg PIP_CERT=/path (an
# ARG is seen by this stage's RUN steps only, never by the runtime image).
ARG PIP_CERT
RUN /opt/bspos/bin/pip install --quiet . \
 && /opt/bspos/bin/pip uninstall --quiet --yes pip
# Static files collected once, at build time (whitenoise serves them; nothing is fetched from a CDN).
RUN SECRET_KEY=collectstatic-only BSPOS_DATA_DIR=/tmp/build-data BSPOS_STATIC_ROOT=/opt/bspos-static \
    /opt/bspos/bin/bspos collectstatic --no-input --verbosity 0 \
 && rm -rf /tmp/build-data

# --- runtime: Python, the libraries WeasyPrint needs for invoice PDFs, pg_dump for backups, a non-root user ---------
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3 ca-certificates tini \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bspos \
 && mkdir -p /data && chown bspos:bspos /data
COPY --from=build /opt/bspos /opt/bspos
COPY --from=build --chown=bspos:bspos /opt/bspos-static /opt/bspos-static
COPY scripts/container-healthcheck.py /usr/local/bin/bspos-healthcheck
ENV PATH=/opt/bspos/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BSPOS_DATA_DIR=/data \
    BSPOS_STATIC_ROOT=/opt/bspos-static \
    HOST=0.0.0.0 \
    PORT=8000
USER bspos
WORKDIR /data
VOLUME /data
EXPOSE 8000
# /health/ answers 200 only when the database answers too (503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/bspos-healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "bspos"]
CMD ["serve"]
