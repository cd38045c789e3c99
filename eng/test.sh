#!/usr/bin/env bash
# Runs every test of the solution in Release, after making sure what the tests need beyond the .NET SDK is there:
# Chromium for the review page's browser tests (Playwright drives the system's build; nothing is downloaded) and
# PostgreSQL's server binaries, which the store tests start on 127.0.0.1 themselves. Missing packages are installed
# with apt-get when this runs as root (or with sudo); otherwise the script says exactly what is missing and how to
# provide it, then runs the tests anyway (those that need the missing part fail and say so).
# Extra arguments go to `dotnet test` (CI adds a TRX logger).
set -uo pipefail
cd "$(dirname "$0")/.."

chromium_ok() { [ -x "${ACTIONGUARD_CHROMIUM:-/usr/bin/chromium}" ]; }
postgres_ok() {
  if [ -n "${ACTIONGUARD_TEST_POSTGRES_BIN:-}" ]; then
    [ -x "$ACTIONGUARD_TEST_POSTGRES_BIN/initdb" ] && [ -x "$ACTIONGUARD_TEST_POSTGRES_BIN/pg_ctl" ]
  else
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
  fi
}

missing=()
chromium_ok || missing+=(chromium)
postgres_ok || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  installer=()
  if [ "$(id -u)" = "0" ]; then
    installer=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    installer=(sudo -n)
  else
    installer=(none)
  fi

  if [ "${installer[0]:-}" != "none" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} for the browser and PostgreSQL tests (apt-get)..."
    "${installer[@]}" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive "${installer[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null \
      || echo "warning: apt-get could not install ${missing[*]}." >&2
  fi

  chromium_ok || echo "warning: Chromium is missing: the review page's browser tests will fail. Install Debian's 'chromium' package (apt-get install chromium) or set ACTIONGUARD_CHROMIUM to a Chromium executable." >&2
  postgres_ok || echo "warning: PostgreSQL is missing: the PostgreSQL store tests will fail. Install the 'postgresql' package (apt-get install postgresql) or set ACTIONGUARD_TEST_POSTGRES_BIN to a folder with initdb and pg_ctl." >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet test ActionGuard.sln -c Release "$@"
