# Saga Demo in one image: the front end built by Node, the backend installed by uv into a venv,
# and a slim runtime that serves both with SQLite on the /data volume.
#
#   docker build -t saga-demo .
#   docker run -p 8000:8000 -v saga-data:/data saga-demo
#
# or `docker compose up --build` (docker-compose.yml).

# --- front end: the SPA when frontend/package.json exists, else the placeholder page ---
FROM node:20 AS frontend
# swagger-ui-dist's dependency @scarf/scarf reports installs; npm 11 skips its script (allowScripts
# in package.json), the npm of this image does not: this turns it off.
ENV SCARF_ANALYTICS=false
WORKDIR /app/frontend
COPY frontend/ ./
RUN if [ -f package.json ]; then \
        npm ci && npm run build; \
    else \
        mkdir -p dist && cp index.html dist/; \
    fi \
    && test -f dist/index.html

# --- backend: a non-editable install of backend/ and its locked dependencies into /app/.venv ---
FROM python:3.11-slim AS backend
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1
RUN pip install uv==0.13.8
WORKDIR /app
# The dependencies first, so that a change to the sources alone reuses this layer.
COPY backend/pyproject.toml backend/uv.lock backend/
RUN uv sync --project backend --frozen --no-dev --no-editable --no-install-project
COPY backend/ backend/
RUN uv sync --project backend --frozen --no-dev --no-editable

# --- runtime ---
FROM python:3.11-slim AS runtime
RUN groupadd --system --gid 10001 saga \
    && useradd --system --uid 10001 --gid saga --home-dir /app --no-create-home saga \
    && mkdir -p /data \
    && chown saga:saga /data
WORKDIR /app
COPY --from=backend /app/.venv /app/.venv
COPY --from=frontend /app/frontend/dist /app/frontend/dist
# The package is installed into site-packages, so the defaults that settings.py derives from the
# repository's layout (data/, frontend/) do not apply here: name the paths outright.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SAGA_DATABASE_URL=sqlite:////data/saga-demo.db \
    SAGA_HOST=0.0.0.0 \
    SAGA_FRONTEND_DIR=/app/frontend/dist
USER 10001:10001
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["saga-demo", "serve", "--host", "0.0.0.0", "--port", "8000"]
