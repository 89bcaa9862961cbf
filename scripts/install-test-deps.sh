#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing and we may install.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
/usr/bin/python3 -c 'import saml2' >/dev/null 2>&1 || need+=(python3-pysaml2)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
# The replica test's load balancer.
[[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (install them, then run again)" >&2
    exit 1
  fi
fi
