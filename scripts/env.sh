# shellcheck shell=bash
# Common environment for the project's scripts. Source it, do not run it:
#   source "$(dirname "$0")/env.sh"
# Safe under `set -euo pipefail`. Sets REPO_ROOT and VENV, selects a JDK >= 21, and makes every
# AWS SDK, boto3 and sam call local-only (dummy credentials, fixed region, no instance metadata
# look-ups, no SAM telemetry).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
VENV="$REPO_ROOT/.venv"
export VENV

# Never ask the instance metadata address, never send telemetry, never use real credentials.
export AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1

IR_MIN_JAVA=21

# Every `sam` command (validate, build, ...) checks PyPI for a newer SAM CLI once a week, with no
# switch to turn that off. Call this before running "$VENV/bin/sam": it records the check as just
# done, through SAM CLI's own settings, so the command makes no request of its own.
ir_sam_skip_version_check() {
    "$VENV/bin/python" - <<'PY'
from datetime import datetime, timezone

from samcli.cli.global_config import GlobalConfig

GlobalConfig().last_version_check = datetime.now(timezone.utc).timestamp()
PY
}

# Print the major version of the java binary given as $1 (e.g. 17, 21, 25), or nothing.
ir_java_major() {
    local java_bin="$1" line version
    [ -x "$java_bin" ] || return 0
    line="$("$java_bin" -version 2>&1 | grep -m1 -E 'version "[^"]+"' || true)"
    version="${line#*version \"}"
    version="${version%%\"*}"
    case "$version" in
        1.*) version="${version#1.}" ;;
    esac
    version="${version%%[!0-9]*}"
    printf '%s' "$version"
}

# Choose JAVA_HOME: the current one if it is new enough, else the newest JDK >= 21 under
# /usr/lib/jvm. Fails with the list of what was looked at.
ir_select_jdk() {
    local searched="" candidate major best="" best_major=0
    if [ -n "${JAVA_HOME:-}" ]; then
        major="$(ir_java_major "$JAVA_HOME/bin/java")"
        searched="JAVA_HOME=$JAVA_HOME (java ${major:-not found})"
        if [ -n "$major" ] && [ "$major" -ge "$IR_MIN_JAVA" ]; then
            return 0
        fi
    fi
    for candidate in /usr/lib/jvm/*; do
        [ -d "$candidate" ] || continue
        major="$(ir_java_major "$candidate/bin/java")"
        searched="${searched:+$searched; }$candidate (java ${major:-not found})"
        if [ -n "$major" ] && [ "$major" -ge "$IR_MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then
            best="$candidate"
            best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        echo "error: no JDK >= $IR_MIN_JAVA found. Searched: ${searched:-JAVA_HOME unset, /usr/lib/jvm empty}." >&2
        echo "Install a JDK $IR_MIN_JAVA or newer, or set JAVA_HOME to one." >&2
        return 1
    fi
    JAVA_HOME="$(cd "$best" && pwd -P)"
}

if ! ir_select_jdk; then
    # Sourced from an interactive shell: do not close it. From a script: stop the script.
    case "$-" in
        *i*) return 1 ;;
        *) exit 1 ;;
    esac
fi
export JAVA_HOME
case ":$PATH:" in
    *":$JAVA_HOME/bin:"*) ;;
    *) PATH="$JAVA_HOME/bin:$PATH" ;;
esac
export PATH
