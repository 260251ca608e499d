# Build a static binary, then run it as a non-root user in a small image
# that has git (the action reads manifests straight from git objects).
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/capgate-action ./cmd/capgate-action \
 && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/capgate ./cmd/capgate

FROM alpine:3.22
RUN apk add --no-cache git ca-certificates \
 && adduser -D -u 1001 capgate \
 && git config --system --add safe.directory '*'
COPY --from=build /out/capgate-action /out/capgate /usr/local/bin/
# GitHub-hosted runners own the workspace as uid 1001.
USER 1001
ENTRYPOINT ["/usr/local/bin/capgate-action"]
