#!/usr/bin/env bash
# Installs Debian's headless browser for the UI tests (tests/test_ui.py): chromium and
# chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver). Does nothing when both are
# present; the UI tests skip (with the reason) when they are absent. No browser download
# from anywhere else: only the distribution's packages.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install chromium and chromedriver yourself" >&2
    echo "install-browser: (the UI tests will be skipped without them)" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-browser: not root and no sudo; UI tests will be skipped" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && \
        $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }; then
    echo "install-browser: apt-get failed; the UI tests will be skipped" >&2
    exit 0
fi
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null | head -1)" >&2
