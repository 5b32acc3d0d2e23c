# Coalition Tracker in a container. See "Deploy" in the README; compose.yaml runs it next to
# PostgreSQL. The embedded SQLite database in /app/data lives and dies with the container unless
# a volume is mounted there, and the app says so on every page until one is (lib/hosting.py).
FROM python:3.11-slim

# Logs reach `docker logs` as they are written; no .pyc files are left in the image's layers.
# The code in an image never changes, so Streamlit need not watch its files.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none

WORKDIR /app

# The pinned requirements first, so a change to the code alone reuses this layer.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# A user of its own, so a flaw in the app reaches only what that user may write: data/ (the
# embedded database, the outbox of writes waiting to sync) and state/ (where compose.yaml mounts
# a volume for the outbox). The code stays root's, read-only to the app. An empty named volume
# mounted on either takes its owner from the image, so the app can write there.
RUN groupadd --gid 10001 tracker \
    && useradd --create-home --no-log-init --uid 10001 --gid tracker tracker \
    && mkdir -p /app/data /app/state \
    && chown tracker:tracker /app/data /app/state

COPY .streamlit/config.toml .streamlit/
COPY app.py ./
COPY lib/ lib/
COPY pages/ pages/
COPY data/sample/ data/sample/

# By number: a host (Kubernetes' runAsNonRoot, for one) can only check a numeric user.
USER 10001:10001
EXPOSE 8501

# Slim images have no curl: Python asks Streamlit's own health endpoint, which answers "ok".
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]

CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
