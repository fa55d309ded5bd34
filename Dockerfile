# syntax=docker/dockerfile:1
# Multi-stage: build a wheel-installed virtualenv, then copy it into a slim, non-root runtime.
# The container runs the same commands as the README: `zhixiang migrate` then `zhixiang serve`.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/zhixiang
COPY pyproject.toml README.md alembic.ini ./
COPY server ./server
COPY broadcast ./broadcast
COPY distribution ./distribution
COPY commission ./commission
COPY loadtests ./loadtests
RUN /opt/zhixiang/bin/pip install --upgrade pip && /opt/zhixiang/bin/pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/zhixiang/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    DATABASE_URL=sqlite:////app/var/zhixiang.db
RUN groupadd --system zhixiang && useradd --system --gid zhixiang --home /app zhixiang \
    && mkdir -p /app/var && chown -R zhixiang:zhixiang /app
COPY --from=build /opt/zhixiang /opt/zhixiang
WORKDIR /app
USER zhixiang
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
# WORKERS > 1 needs REDIS_URL and a PostgreSQL DATABASE_URL (see compose.yaml). The server is
# Granian (ZX_SERVER=uvicorn for uvicorn): the same command as the README.
ENV WORKERS=1
CMD ["sh", "-c", "zhixiang migrate && exec zhixiang serve --host 0.0.0.0 --port 8000 --workers ${WORKERS}"]
