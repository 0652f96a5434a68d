#!/usr/bin/env bash
# Container smoke test: build the bspos image from the Dockerfile with no registry at all, run it against a
# PostgreSQL, and check that it migrates, serves, reports healthy and shows the login page.
#
#   scripts/container-smoke.sh          (as root; `make container-smoke`; .ci/run calls it when CI=true)
#
# 1. Installs podman, runc, debootstrap and what podman needs from Debian when they are missing.
# 2. Builds a debian:bookworm-slim equivalent with `debootstrap --variant=minbase bookworm` (the tarball is cached in
#    $BSPOS_SMOKE_CACHE, /var/cache/bspos-smoke, so a second run skips it) and `podman import`s it under the name the
#    Dockerfile's FROM uses.
# 3. Builds the image with --pull=never (the build itself reaches PyPI and Debian's mirror for pip and apt-get).
# 4. Starts a throwaway PostgreSQL (scripts/with-postgres.sh), runs `bspos migrate` in the image, then `bspos serve`,
#    waits for the image's HEALTHCHECK to report healthy, fetches /login/ and a static file, and cleans up; on
#    failure it prints the container's logs.
# Flags these machines need (crun cannot start containers here) stay in this script, never in the Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${BSPOS_SMOKE_IMAGE:-localhost/bspos:smoke}
CACHE=${BSPOS_SMOKE_CACHE:-/var/cache/bspos-smoke}
MIRROR=${BSPOS_SMOKE_MIRROR:-http://deb.debian.org/debian}
PODMAN=(podman --runtime runc)
# These machines: crun cannot start containers (runc can), and runc may not set the limits podman asks for by
# default (nproc above 32768 is refused, "error setting rlimit type 6").
RUN_FLAGS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

say() { echo "container-smoke: $*"; }

if [ "${1:-}" != "--against-postgres" ]; then
  started=$(date +%s)
  # --- 1. tools ---------------------------------------------------------------------------------------------------
  missing=()
  for pair in podman:podman runc:runc debootstrap:debootstrap newuidmap:uidmap slirp4netns:slirp4netns \
              pasta:passt fuse-overlayfs:fuse-overlayfs curl:curl; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi

  # --- 2. base image ----------------------------------------------------------------------------------------------
  base=$(awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile)   # debian:bookworm-slim
  case "$base" in */*) qualified=$base ;; *) qualified=docker.io/library/$base ;; esac
  if ! "${PODMAN[@]}" image exists "$qualified"; then
    tarball=$CACHE/bookworm-minbase.tar
    if [ ! -s "$tarball" ]; then
      say "debootstrap --variant=minbase bookworm (cached in $CACHE)"
      mkdir -p "$CACHE"
      rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
      debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -n 30 "$CACHE/debootstrap.log"; rm -rf "$rootfs"; exit 1; }
      # As the official image: the release, its updates and security suites; no package lists or .deb files kept.
      rm -f "$rootfs/etc/apt/sources.list"
      cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
      rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
      tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
      mv "$tarball.tmp" "$tarball"
      rm -rf "$rootfs"
    fi
    say "podman import $tarball as $qualified"
    "${PODMAN[@]}" import --change 'CMD ["/bin/bash"]' "$tarball" "$qualified" >/dev/null 2>&1
  fi
  based=$(date +%s)

  # --- 3. image ---------------------------------------------------------------------------------------------------
  say "building $IMAGE (--pull=never)"
  previous=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  # --format docker keeps the HEALTHCHECK (the OCI image format has no such field).
  # The build trusts what this machine trusts: its CA bundle (which may hold a TLS-inspecting proxy's CA) is mounted
  # read-only into the build's RUN steps and named to pip; nothing of it stays in the image.
  build_ca=()
  bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  [ -s "$bundle" ] && build_ca=(--volume "$bundle:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt)
  "${PODMAN[@]}" build --pull=never --format docker "${RUN_FLAGS[@]}" "${build_ca[@]}" -t "$IMAGE" . \
    >"$CACHE/build.log" 2>&1 \
    || { tail -n 40 "$CACHE/build.log"; say "FAILED: the image did not build"; exit 1; }
  built=$(date +%s)
  # The image this build replaced (the layers of the last build stay as its cache).
  if [ -n "$previous" ] && [ "$previous" != "$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE")" ]; then
    "${PODMAN[@]}" rmi "$previous" >/dev/null 2>&1 || true
  fi
  # Untagged build layers older than a day (earlier builds' stages): bounded disk, today's cache kept.
  "${PODMAN[@]}" image prune --force --filter until=24h >/dev/null 2>&1 || true
  say "image built in $((built - based))s ($("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE" \
    | awk '{ printf "%d MB", $1 / 1000000 }'))"

  # --- 4. run it against PostgreSQL -------------------------------------------------------------------------------
  scripts/with-postgres.sh "$0" --against-postgres
  say "passed in $(($(date +%s) - started))s (base $((based - started))s, build $((built - based))s, run $(($(date +%s) - built))s)"
  echo "container-smoke: 1 passed, 0 failed"
  exit 0
fi

# --- inside scripts/with-postgres.sh: DATABASE_URL points at a throwaway cluster on 127.0.0.1 -------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
name=bspos-smoke-$$
env_flags=(-e DATABASE_URL -e SECRET_KEY="smoke-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
           -e ALLOWED_HOSTS=localhost,127.0.0.1 -e PORT="$port")
# Host networking: the container reaches the cluster on 127.0.0.1 and nothing else is exposed.
net=(--network host)

cleanup() {
  status=$?
  if [ $status -ne 0 ]; then
    say "FAILED; logs of $name:"
    "${PODMAN[@]}" logs "$name" 2>&1 | tail -n 60 || true
  fi
  "${PODMAN[@]}" rm --force --volumes --ignore "$name" "$name-migrate" >/dev/null 2>&1 || true
  exit $status
}
trap cleanup EXIT

say "bspos migrate"
"${PODMAN[@]}" run --rm --no-healthcheck --name "$name-migrate" "${net[@]}" "${RUN_FLAGS[@]}" "${env_flags[@]}" "$IMAGE" \
  migrate --no-input >/dev/null

say "bspos serve on 127.0.0.1:$port"
# --health-interval disable: the image's HEALTHCHECK is kept but podman sets up no systemd timer (there is no systemd
# here); the loop below runs it.
"${PODMAN[@]}" run -d --health-interval disable --name "$name" "${net[@]}" "${RUN_FLAGS[@]}" "${env_flags[@]}" \
  "$IMAGE" serve 2> >(grep -v 'systemd connection' >&2) >/dev/null

# `podman healthcheck run` executes the Dockerfile's HEALTHCHECK command in the container and records the status.
status=starting
for _ in $(seq 1 90); do
  [ "$("${PODMAN[@]}" inspect --format '{{.State.Running}}' "$name")" = true ] || { say "the container stopped"; exit 1; }
  if "${PODMAN[@]}" healthcheck run "$name" >/dev/null 2>&1; then
    status=$("${PODMAN[@]}" inspect --format '{{.State.Health.Status}}' "$name")
    [ "$status" = healthy ] && break
  fi
  sleep 1
done
[ "$status" = healthy ] || { say "the health check never passed (status: $status)"; exit 1; }
say "health check: $status"

page=$(curl -fsS "http://127.0.0.1:$port/login/")
grep -q "<h1>Sign in</h1>" <<<"$page" || { say "the login page does not say Sign in"; exit 1; }
grep -q 'name="password"' <<<"$page" || { say "the login page has no password field"; exit 1; }
curl -fsS -o /dev/null "http://127.0.0.1:$port/static/bspos/bspos.css" || { say "static files are not served"; exit 1; }
[ "$(curl -fsS "http://127.0.0.1:$port/health/")" = '{"status": "ok"}' ] || { say "/health/ is not ok"; exit 1; }
say "login page, static files and /health/ answer"

# The runtime libraries: WeasyPrint renders a PDF (pango, harfbuzz, fonts), and bspos backup reaches PostgreSQL with
# the image's pg_dump.
"${PODMAN[@]}" exec "$name" python -c "import sys, weasyprint; pdf = weasyprint.HTML(string='<h1>Invoice</h1>').write_pdf()
sys.exit(0 if pdf.startswith(b'%PDF') else 1)" || { say "WeasyPrint cannot render a PDF in the image"; exit 1; }
"${PODMAN[@]}" exec "$name" bspos backup --output /tmp/smoke-backup.tar.gz >/dev/null \
  || { say "bspos backup failed in the image"; exit 1; }
say "a PDF renders and bspos backup writes an archive inside the container"
