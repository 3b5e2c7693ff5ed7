#!/usr/bin/env bash
# Installs airgap as a systemd service:
#   systemd/install.sh                 install, create the user and folders, enable and start
#   systemd/install.sh --root DIR      lay everything out under DIR, without calling systemctl
#                                      (also what happens when systemd is not PID 1)
#   systemd/install.sh --uninstall     remove what was installed; keep /var/lib/airgap and
#                                      /etc/airgap/airgap.yaml (data and config)
#   --jar FILE                         the jar to install (default: appliance/target/airgap.jar,
#                                      built with Maven when missing)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
repo="$(dirname "$here")"
root=""
uninstall=0
jar="$repo/appliance/target/airgap.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a folder}"; shift 2 ;;
    --root=*) root="${1#--root=}"; shift ;;
    --jar) jar="${2:?--jar needs a file}"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
root="${root%/}"
manifest="$root/usr/lib/airgap/installed-files"
systemd_live=0
if [ -z "$root" ] && [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]; then systemd_live=1; fi

if [ $uninstall = 1 ]; then
  if [ $systemd_live = 1 ]; then
    systemctl disable --now airgap.service || true
  fi
  if [ -f "$manifest" ]; then
    while read -r f; do rm -f "$root$f"; done < "$manifest"
    rm -f "$manifest"
    rmdir "$root/usr/lib/airgap" "$root/usr/share/doc/airgap" 2>/dev/null || true
  fi
  [ $systemd_live = 1 ] && systemctl daemon-reload
  echo "airgap uninstalled; kept $root/var/lib/airgap and $root/etc/airgap"
  exit 0
fi

if [ ! -f "$jar" ]; then
  echo "install.sh: building $jar" >&2
  (cd "$repo" && mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true -pl appliance -am package)
fi

installed=()
put() { # put MODE SRC DEST
  install -D -m "$1" "$2" "$root$3"
  installed+=("$3")
}
put 0644 "$jar" /usr/lib/airgap/airgap.jar
# the class archive of a start, for this jar and this JDK (systemd/airgap-cds; skipped when the
# training start fails, as it does for a jar that is not airgap's)
rm -f "$root/usr/lib/airgap/airgap.jsa"
"$here/airgap-cds" "$root/usr/lib/airgap/airgap.jar" "$root/usr/lib/airgap/airgap.jsa"
[ -f "$root/usr/lib/airgap/airgap.jsa" ] && installed+=(/usr/lib/airgap/airgap.jsa)
put 0755 "$here/airgap.wrapper" /usr/bin/airgap
put 0644 "$here/airgap.service" /usr/lib/systemd/system/airgap.service
put 0644 "$here/airgap.sysusers" /usr/lib/sysusers.d/airgap.conf
put 0644 "$here/airgap.tmpfiles" /usr/lib/tmpfiles.d/airgap.conf
put 0644 "$repo/README.md" /usr/share/doc/airgap/README.md
put 0644 "$repo/airgap.example.yaml" /usr/share/doc/airgap/airgap.example.yaml
mkdir -p "$root/etc/airgap"
if [ ! -f "$root/etc/airgap/airgap.yaml" ]; then
  # the example, with the system data dir; DNS stays on 1053 until site addresses are set
  sed 's#^data-dir: ./var .*#data-dir: /var/lib/airgap#' "$repo/airgap.example.yaml" > "$root/etc/airgap/airgap.yaml"
  chmod 0640 "$root/etc/airgap/airgap.yaml"
fi
printf '%s\n' "${installed[@]}" > "$manifest"

if [ -n "$root" ] || [ $systemd_live = 0 ]; then
  # users and folders inside the tree, without touching the host
  systemd-sysusers --root="${root:-/}" "$root/usr/lib/sysusers.d/airgap.conf" 2>/dev/null || true
  systemd-tmpfiles --root="${root:-/}" --create "$root/usr/lib/tmpfiles.d/airgap.conf" 2>/dev/null || true
  echo "airgap laid out under ${root:-/} (systemd not called)"
  exit 0
fi

systemd-sysusers /usr/lib/sysusers.d/airgap.conf
systemd-tmpfiles --create /usr/lib/tmpfiles.d/airgap.conf
chgrp airgap /etc/airgap/airgap.yaml
systemctl daemon-reload
systemctl enable --now airgap.service
echo "airgap installed and started: journalctl -u airgap -f; airgap doctor --config /etc/airgap/airgap.yaml"
