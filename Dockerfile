# syntax=docker/dockerfile:1
# The portal's image: gunicorn by default; the same image runs the worker and the migrations
# (compose.yaml). Configured only from the environment (README, "Configuration").

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# msgfmt, for compilemessages; only this stage needs it.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# The dependencies of pyproject.toml, without the dev extras. The project itself installs no
# package ([tool.setuptools] packages = []): the apps run from the source tree in /app.
COPY pyproject.toml ./
RUN pip install .
COPY . .
RUN django-admin compilemessages -v0 && python -m compileall -q .


FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PATH=/opt/venv/bin:$PATH WEB_HOST=0.0.0.0
# WeasyPrint's libraries and the PDF fonts, as `make serve` installs them, without Debian's
# recommended extras; fontconfig builds the font cache once here rather than in each worker.
# (WeasyPrint reads images with Pillow: no gdk-pixbuf, so no MIME database to add.)
COPY scripts/system-packages /tmp/system-packages
RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99-no-recommends \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fontconfig \
    && PYTHON=python /tmp/system-packages runtime \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages
RUN groupadd --gid 1000 portal \
    && useradd --create-home --home-dir /home/portal --uid 1000 --gid 1000 portal
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Static files, hashed and compressed for WhiteNoise. Production settings refuse to load
# without these three variables; the values below exist for this step only, connect nowhere
# and are not kept in the image.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
        EMAIL_HOST=localhost python manage.py collectstatic --no-input -v0 \
    && mkdir -p /app/media && chown portal:portal /app/media
# By number, so that an orchestrator can tell it is not root (Kubernetes' runAsNonRoot).
USER 1000:1000
EXPOSE 8000
# /healthz: database, cache, storage and the worker's heartbeat (scripts/healthcheck).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "scripts/healthcheck"]
CMD ["gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
