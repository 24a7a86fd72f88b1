# The Airflow image with this project installed, its dependencies pinned by uv.lock.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11
ARG AIRFLOW_VERSION
COPY --chown=airflow:0 pyproject.toml uv.lock /opt/fou/
RUN pip install --no-cache-dir uv==0.13.8 \
 && uv export --project /opt/fou --frozen --no-dev --no-hashes --no-emit-project -o /tmp/requirements.txt \
 && pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /tmp/requirements.txt
COPY --chown=airflow:0 . /opt/fou/
# the project itself, non-editable (the wheel of ingestion/, report/, expectations/); the folders
# it reads at run time (dbt_project/, config/, records/, dags/) stay in /opt/fou: FOU_PROJECT_DIR
RUN pip install --no-cache-dir --no-deps /opt/fou
ENV FOU_PROJECT_DIR=/opt/fou
