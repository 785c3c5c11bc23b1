#!/usr/bin/env bash
# Makes sure the browser tests can start a headless Chromium: CHROMIUM_PATH
# names an executable, or `chromium` / `chromium-browser` is on PATH, or (as
# root with apt-get) install Debian's `chromium` package. Playwright's own
# browser download (`npx playwright install`) is not used: the tests drive this
# Chromium through playwright-core with executablePath (test/support/browser.ts).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "${CHROMIUM_PATH}" ] && [ ! -d "${CHROMIUM_PATH}" ]; then
    echo "ensure-chromium: using CHROMIUM_PATH=${CHROMIUM_PATH}"
    exit 0
  fi
  echo "ensure-chromium: CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file" >&2
  exit 1
fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing chromium (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # No recommends (upower, udev, mesa, fonts-liberation, a notification daemon,
  # printer config): a headless run needs none of them, and libfontconfig1
  # already brings a font (fonts-dejavu-core) for text in screenshots.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  command -v chromium >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
ensure-chromium: Chromium is not installed, and it cannot be installed from here.
Install it (Debian: `sudo apt-get install -y chromium`, Ubuntu: `sudo apt-get install -y chromium-browser`
(a snap) or Google Chrome, macOS: `brew install --cask chromium` or Google Chrome)
or set CHROMIUM_PATH to a Chromium or Chrome executable (macOS Chrome:
"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"), then run the tests again.
MSG
exit 1
