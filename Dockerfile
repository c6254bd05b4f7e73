# keyward in a container: a static binary (pure-Go SQLite, no cgo) on
# distroless, running as an unprivileged user. Build from the repository's
# root:
#
#   docker build -t keyward .
#   docker run -p 8080:8080 -v keyward-data:/data keyward
#
# The database is /data/keyward.db unless KEYWARD_DATABASE_URL names a
# PostgreSQL server. See docs/operations.md.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -buildvcs=auto stamps the commit into `keyward version` when .git is in
# the build context; without it the version reads "(devel)".
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=auto -ldflags='-s -w' -o /out/keyward ./cmd/keyward \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/keyward /usr/local/bin/keyward
# The data directory belongs to the nonroot user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV KEYWARD_ADDR=0.0.0.0:8080 \
    KEYWARD_DB=/data/keyward.db \
    KEYWARD_BOOTSTRAP_TOKEN_FILE=/data/bootstrap-token
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/keyward"]
CMD ["server"]
