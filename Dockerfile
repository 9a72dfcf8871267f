# Lifeboat in a container: a Swift image builds the binary (Swift runtime linked in), a slim
# Ubuntu image runs it with the C libraries it links (libpq, libsqlite3, zlib) and pg_dump.
# Untested here (no container engine on the development machine); checked with hadolint.
#
#   docker build -t lifeboat .
#   docker run --rm -e DATABASE_URL -v "$PWD/migrations:/work/migrations" -v "$PWD/backups:/work/backups" lifeboat migrate

# --- build ---------------------------------------------------------------------------------------
FROM swift:6.3-noble AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Unpinned on purpose: the distribution's current security updates of these libraries.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first, so the dependency fetch is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product lifeboat \
    && install -D -m 755 "$(swift build -c release --show-bin-path)/lifeboat" /out/lifeboat

# --- runtime -------------------------------------------------------------------------------------
FROM ubuntu:24.04
# pg_dump must be at least as new as the server: PGDG's client for PostgreSQL up to 17.
ARG PG_MAJOR=17
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Unpinned on purpose: the current security updates; the client's major version is pinned above.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && install -d /usr/share/keyrings \
    && curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc \
       | gpg --dearmor -o /usr/share/keyrings/pgdg.gpg \
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.gpg] https://apt.postgresql.org/pub/repos/apt noble-pgdg main" \
       > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 zlib1g libcurl4t64 "postgresql-client-${PG_MAJOR}" \
    && apt-get purge -y --auto-remove curl gnupg \
    && rm -rf /var/lib/apt/lists/*
ENV LIFEBOAT_PG_BIN=/usr/lib/postgresql/${PG_MAJOR}/bin
COPY --from=build /out/lifeboat /usr/local/bin/lifeboat
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin lifeboat \
    && install -d -o lifeboat -g lifeboat /work
USER 10001
WORKDIR /work
ENTRYPOINT ["lifeboat"]
CMD ["--help"]
