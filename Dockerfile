# syntax=docker/dockerfile:1
# CrisisBot: a static binary on a distroless base, running as a non-root
# user, with the SQLite knowledge base on the /data volume.
#   docker build -t crisisbot .
#   docker run --env-file .env -v crisisbot-data:/data -p 127.0.0.1:9464:9464 crisisbot

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a static binary (the SQLite driver is pure Go), so the
# runtime image needs no C library.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/crisisbot . \
 && mkdir -p /out/data

# distroless/static: CA certificates and /etc/passwd with the "nonroot" user
# (65532), nothing else: no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/crisisbot /crisisbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV KB_DB_PATH=/data/crisisbot.db \
    METRICS_ADDR=:9464 \
    LOG_FORMAT=json
VOLUME /data
WORKDIR /data
EXPOSE 9464
USER 65532:65532
# Probes: GET /livez and /readyz on METRICS_ADDR (Kubernetes httpGet probes;
# the image has no shell or curl for a Docker HEALTHCHECK).
ENTRYPOINT ["/crisisbot"]
