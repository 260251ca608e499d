# The action's image. GitHub's rules for container actions: run as root (no
# USER: the runner's workspace and file command files belong to the
# runner's uid, 1001 on GitHub-hosted runners and anything on self-hosted
# ones), an absolute ENTRYPOINT, no reliance on WORKDIR (the runner sets
# --workdir /github/workspace). internal/action/containertest runs an image
# built to this recipe the way the runner does.
#
# Base images are pinned by digest (multi-arch index digests of the tags
# named, as published by Docker Hub and quoted in public Dockerfiles; they
# were not pulled from this project's machines, which reach no registry).
# Bump tag and digest together.

FROM golang:1.26-alpine@sha256:51a7c389a5ddaf82f527191a1e9bff9928655130a44e4975dd1d7e0acf59f1ae AS build
# VERSION is the release tag (the release workflow passes it). Without it
# the binary names itself from the source archive's commit
# (internal/version), as when the runner builds this file for @main.
ARG VERSION=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN ldflags="-s -w"; \
    if [ -n "$VERSION" ]; then ldflags="$ldflags -X github.com/razukc/capgate-action/internal/version.version=$VERSION"; fi; \
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o /out/capgate-action ./cmd/capgate-action \
 && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o /out/capgate ./cmd/capgate \
 && /out/capgate version

FROM alpine:3.22.1@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1
# git reads manifests from git objects and fetches the base of a depth-1
# checkout. The workspace belongs to another uid than root's, so git must
# be told it is safe.
RUN apk add --no-cache git ca-certificates \
 && git config --system --add safe.directory '*'
COPY --from=build /out/capgate-action /out/capgate /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/capgate-action"]
