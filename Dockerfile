# Production image: gunicorn serving config.wsgi; the same image runs the Celery worker and
# beat (see docker-compose.yml). Build: docker build -t pingshi-kaohe .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries, and a CJK font so Chinese renders in PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, for layer caching: pyproject.toml declares no packages (the apps run from
# /app), so installing "." installs exactly the pinned dependencies of constraints.txt.
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt . && rm -rf build ./*.egg-info

COPY . .

# Hashed, compressed static files for WhiteNoise. The key only lets settings load at build
# time; it is not kept in the image.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-not-a-runtime-secret-0123456789abcdef \
    python manage.py collectstatic --noinput

# Run as an unprivileged user; it may write only the private media directory (a volume).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home kaohe \
    && mkdir -p /var/lib/kaohe/private \
    && chown -R kaohe:kaohe /var/lib/kaohe
ENV PRIVATE_MEDIA_ROOT=/var/lib/kaohe/private \
    DJANGO_DEBUG=0 \
    WEB_CONCURRENCY=3
USER kaohe

EXPOSE 8000
# Worker processes: WEB_CONCURRENCY; other gunicorn options: GUNICORN_CMD_ARGS (no rebuild).
# No control socket: nobody uses gunicornc here, and $HOME (/app) is not writable.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", \
     "--access-logfile", "-", "--no-control-socket"]
