#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotently), builds and tests every module
# with `mvn -B -ntp verify`, then runs each benchmark under bench/ once in smoke mode.
#
# Debian packages come from .ci/packages/*.txt (one file per module). They are installed with
# service starts disabled: a policy-rc.d that exits 101 keeps docker-registry, dnsmasq, nginx and
# libvirtd from starting on their default ports and networks; anything that starts anyway is
# stopped by its PID file.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }

install_packages() {
  local wanted=() missing=()
  mapfile -t wanted < <(cat .ci/packages/*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
  [ ${#wanted[@]} -gt 0 ] || return 0
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || { echo "all ${#wanted[@]} packages present"; return 0; }
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages (install them as root): ${missing[*]}" >&2
    return 1
  fi
  log "installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d had_policy=0
  [ -e "$policy" ] && had_policy=1 && cp -p "$policy" "$policy.airgap-saved"
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/airgap-apt.log 2>&1 ||
    { tail -30 /tmp/airgap-apt.log; exit 1; }
  if [ $had_policy = 1 ]; then mv "$policy.airgap-saved" "$policy"; else rm -f "$policy"; fi
  stop_package_daemons
}

# Debian's maintainer scripts may still start a daemon (e.g. through invoke-rc.d fallbacks):
# stop each one by the PID it recorded, never by name.
stop_package_daemons() {
  local f pid
  for f in /run/dnsmasq/dnsmasq.pid /run/nginx.pid /run/libvirtd.pid /run/virtlogd.pid \
           /run/docker-registry.pid /run/kea/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && echo "stopped $f ($pid)" || true
  done
}

log "packages"
install_packages

log "mvn -B -ntp verify"
mvn -B -ntp verify

# ./airgap serve from a clean clone: the launcher builds the jar, the daemon reaches /readyz,
# and a second call does not build again.
launcher_smoke() {
  local tmp clone out pid admin i
  tmp=$(mktemp -d)
  clone="$tmp/clone"
  git clone -q --no-hardlinks . "$clone"
  cat > "$tmp/airgap.yaml" <<YAML
data-dir: $tmp/var
registry: { listen: ["127.0.0.1:0"] }
websrv: { listen: ["127.0.0.1:0"] }
dns: { listen: ["127.0.0.1:0"] }
redfish: { listen: ["127.0.0.1:0"] }
admin: { listen: ["127.0.0.1:0"] }
YAML
  out="$tmp/serve.out"
  (cd "$clone" && exec ./airgap serve --config "$tmp/airgap.yaml") >"$out" 2>"$tmp/serve.err" &
  pid=$!
  admin=""
  for i in $(seq 1 600); do
    admin=$(sed -n 's#^  admin *\(http://[^ ]*/\).*#\1#p' "$out" | head -1)
    [ -n "$admin" ] && grep -q '^  login' "$out" && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$admin" ] || ! curl -fsS "${admin}readyz"; then
    echo "launcher smoke: no ready daemon"; cat "$out" "$tmp/serve.err"; kill $pid 2>/dev/null; exit 1
  fi
  kill $pid; wait $pid || true
  if (cd "$clone" && ./airgap --version 2>&1) | grep -q 'building\|recording'; then
    echo "launcher smoke: the launcher rebuilt a current jar or re-recorded its class archive"; exit 1
  fi
  if [ ! -s "$clone/appliance/target/airgap.jsa" ]; then
    echo "launcher smoke: no class archive recorded"; cat "$tmp/serve.err"; exit 1
  fi
  rm -rf "$tmp"
  echo "launcher smoke: ./airgap serve from a clean clone reached /readyz"
}
log "./airgap serve from a clean clone"
launcher_smoke

log "benchmarks (smoke)"
for b in bench/*/run; do
  [ -x "$b" ] || continue
  log "$b --smoke"
  "$b" --smoke
done
log "all tests passed"
