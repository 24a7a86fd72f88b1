# The Airflow image with this project installed, its dependencies pinned by uv.lock.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11
ARG AIRFLOW_VERSION
COPY --chown=airflow:0 pyproject.toml uv.lock /opt/fou/
RUN pip install --no-cache-dir uv==0.13.8 \
 && uv export --project /opt/fou --frozen --no-dev --no-hashes --no-emit-project -o /tmp/requirements.txt \
 && pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /tmp/requirements.txt
COPY --chown=airflow:0 . /opt/fou/
# the project itself (the `fou` command and its packages), its dependencies installed above
RUN pip install --no-cache-dir --no-deps -e /opt/fou
