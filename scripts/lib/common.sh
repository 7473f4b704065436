# shellcheck shell=bash
# Shared steps of every script in scripts/ (test, run-local, bench, mutation, sam-build-function).
# Source it; do not run it.
#
#   pick_java_home    -> exports JAVA_HOME (a JDK >= 21 with javac) and puts its bin/ first on PATH
#   ensure_test_tools -> oathtool, zbar-tools, chromium, chromium-driver, python3-venv (apt-get when missing)
#   ensure_venv       -> .venv/ at the repo root with the pinned moto[server]; exports MOTO_SERVER_BIN
#   ensure_sam_tools  -> .venv-sam/ with the pinned SAM CLI and cfn-lint; exports SAM_CLI_BIN, CFN_LINT_BIN
#   ensure_fuzz_tools -> .venv-fuzz/ with the pinned schemathesis; exports SCHEMATHESIS_BIN
#   ensure_scan_tools -> .venv-scan/ with the pinned checkov; exports CHECKOV_BIN
#   ensure_axe        -> tests/e2e/axe/node_modules with the pinned axe-core (npm ci); exports TWOFA_AXE_JS

TWOFA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export TWOFA_ROOT

# moto_server stands in for KMS, SES and SNS in tests/integration (see docs/emulators.md).
# Bump deliberately: the harness reads moto's /moto-api/data.json, an internal format.
TWOFA_MOTO_VERSION="5.2.5"
TWOFA_MIN_JAVA=21

# Prints the major version of the JDK at $1 (empty if $1/bin/java does not run).
_twofa_java_major() {
    local out ver
    out="$("$1/bin/java" -version 2>&1)" || return 0
    ver="$(printf '%s\n' "$out" | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
    case "$ver" in
        1.*) ver="${ver#1.}" ;;
    esac
    ver="${ver%%[.+-]*}"
    case "$ver" in
        '' | *[!0-9]*) return 0 ;;
    esac
    printf '%s\n' "$ver"
}

pick_java_home() {
    local candidates=() seen=" " found_only=() best="" best_major="" c major javac_note

    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    local d
    for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$d" ] && candidates+=("$d")
    done
    if [ -x /usr/libexec/java_home ]; then
        d="$(/usr/libexec/java_home -v "${TWOFA_MIN_JAVA}+" 2>/dev/null || true)"
        [ -n "$d" ] && candidates+=("$d")
    fi
    if command -v java >/dev/null 2>&1; then
        d="$(readlink -f "$(command -v java)" 2>/dev/null || true)"
        [ -n "$d" ] && candidates+=("$(dirname "$(dirname "$d")")")
    fi

    for c in "${candidates[@]}"; do
        c="$(cd "$c" 2>/dev/null && pwd -P)" || continue
        case "$seen" in *" $c "*) continue ;; esac
        seen="$seen$c "
        [ -x "$c/bin/java" ] || continue
        major="$(_twofa_java_major "$c")"
        [ -n "$major" ] || continue
        javac_note=""
        [ -x "$c/bin/javac" ] || javac_note=", no javac"
        if [ "$major" -ge "$TWOFA_MIN_JAVA" ] && [ -z "$javac_note" ]; then
            # $JAVA_HOME wins when it qualifies; otherwise the lowest qualifying major, closest
            # to the Lambda runtime (java21).
            if [ -n "${JAVA_HOME:-}" ] && [ "$c" = "$(cd "$JAVA_HOME" 2>/dev/null && pwd -P)" ]; then
                best="$c"
                best_major="$major"
                break
            fi
            if [ -z "$best" ] || [ "$major" -lt "$best_major" ]; then
                best="$c"
                best_major="$major"
            fi
        else
            found_only+=("$c ($major$javac_note)")
        fi
    done

    if [ -z "$best" ]; then
        {
            echo "error: twofa needs a JDK >= ${TWOFA_MIN_JAVA} (with javac) to build and test;"
            if [ "${#found_only[@]}" -gt 0 ]; then
                local IFS=,
                echo "found only:${found_only[*]/#/ }"
            else
                echo "found only: no JDK at all (looked at \$JAVA_HOME, /usr/lib/jvm/*, /opt/java/*, java on PATH)"
            fi
            echo "Install a JDK ${TWOFA_MIN_JAVA} or newer (e.g. Temurin) and/or point JAVA_HOME at it."
        } >&2
        exit 1
    fi
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
}

# _twofa_pip_venv VENV STAMP "BIN..." SPEC...: makes VENV hold the pinned SPECs, once. Idempotent:
# a stamp file names the pinned versions, so the second run only checks and returns (~20 ms).
_twofa_pip_venv() {
    local venv="$1" stamp="$2" bins="$3" bin ready=1
    shift 3
    for bin in $bins; do
        [ -x "$venv/bin/$bin" ] || ready=0
    done
    if [ "$ready" = 1 ] && [ -f "$stamp" ] && "$venv/bin/python" -c '' >/dev/null 2>&1; then
        return 0
    fi
    if ! command -v python3 >/dev/null 2>&1; then
        echo "error: python3 is needed to install $* (test tools)." >&2
        exit 1
    fi
    if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
        rm -rf "$venv"
        if ! python3 -m venv "$venv"; then
            echo "error: 'python3 -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2
            exit 1
        fi
    fi
    echo "Installing $* into ${venv} ..." >&2
    rm -f "$venv"/.twofa-*
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$@"
    for bin in $bins; do
        if [ ! -x "$venv/bin/$bin" ]; then
            echo "error: $* installed but $venv/bin/$bin is missing" >&2
            exit 1
        fi
    done
    : >"$stamp"
}

ensure_venv() {
    local venv="$TWOFA_ROOT/.venv"
    _twofa_pip_venv "$venv" "$venv/.twofa-moto-${TWOFA_MOTO_VERSION}" moto_server \
        "moto[server]==${TWOFA_MOTO_VERSION}"
    export MOTO_SERVER_BIN="$venv/bin/moto_server"
}

# The tests call oathtool (an independent TOTP generator) and zbarimg (an independent QR decoder)
# as oracles, tests/e2e drives the web client in Debian's headless chromium through chromedriver
# (TWOFA_CHROMIUM / TWOFA_CHROMEDRIVER point elsewhere; no test tool downloads a browser), and
# scripts/test needs python3's venv module. Installs what is missing with apt-get when it can
# (root, or sudo without a password); otherwise stops with the command to run.
ensure_test_tools() {
    local missing=()
    command -v oathtool >/dev/null 2>&1 || missing+=(oathtool)
    command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
    [ -x "${TWOFA_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
    [ -x "${TWOFA_CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)
    if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        missing+=(python3-venv)
    fi
    [ "${#missing[@]}" -gt 0 ] || return 0

    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
            sudo="sudo -n"
        else
            sudo="none"
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1 || [ "$sudo" = none ]; then
        echo "error: the tests need: ${missing[*]}" >&2
        echo "  Debian/Ubuntu: sudo apt-get install ${missing[*]}" >&2
        echo "  macOS: brew install oath-toolkit zbar && brew install --cask chromium chromedriver," >&2
        echo "         then export TWOFA_CHROMIUM and TWOFA_CHROMEDRIVER with the paths of both" >&2
        exit 1
    fi
    echo "Installing with apt-get: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q </dev/null >&2
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2
}

# cfn-lint and the SAM CLI, which tests/integration (dev.twofa.it.deployment) runs against
# template.yaml: `cfn-lint`, `sam validate --lint`, `sam build`. A venv of their own, .venv-sam/,
# because aws-sam-cli pins boto3/botocore versions that must not fight moto's in .venv/.
# Exports SAM_CLI_BIN and CFN_LINT_BIN. Bump deliberately: the tests demand zero warnings, and a new
# cfn-lint brings new rules.
TWOFA_SAM_CLI_VERSION="1.170.0"
TWOFA_CFN_LINT_VERSION="1.58.0"

ensure_sam_tools() {
    local venv="$TWOFA_ROOT/.venv-sam"
    _twofa_pip_venv "$venv" "$venv/.twofa-sam-${TWOFA_SAM_CLI_VERSION}-cfn-lint-${TWOFA_CFN_LINT_VERSION}" \
        "sam cfn-lint" "aws-sam-cli==${TWOFA_SAM_CLI_VERSION}" "cfn-lint==${TWOFA_CFN_LINT_VERSION}"
    export SAM_CLI_BIN="$venv/bin/sam" CFN_LINT_BIN="$venv/bin/cfn-lint"
}

# schemathesis, which tests/e2e (SchemathesisE2EIT) runs against the local run and docs/openapi.yaml.
# A venv of its own, .venv-fuzz/: its hypothesis and jsonschema pins must not meet moto's or SAM's.
# Exports SCHEMATHESIS_BIN. Bump deliberately: new versions bring new checks and generators.
TWOFA_SCHEMATHESIS_VERSION="4.32.5"

ensure_fuzz_tools() {
    local venv="$TWOFA_ROOT/.venv-fuzz"
    _twofa_pip_venv "$venv" "$venv/.twofa-schemathesis-${TWOFA_SCHEMATHESIS_VERSION}" schemathesis \
        "schemathesis==${TWOFA_SCHEMATHESIS_VERSION}"
    export SCHEMATHESIS_BIN="$venv/bin/schemathesis"
}

# checkov, the template scanner tests/integration (CheckovIT) runs on template.yaml. A venv of its own,
# .venv-scan/: it pins boto3, pydantic and friends that must not meet SAM's or moto's. Exports
# CHECKOV_BIN. Bump deliberately: the test demands zero failed checks, and a new checkov brings new ones.
TWOFA_CHECKOV_VERSION="3.3.30"

ensure_scan_tools() {
    local venv="$TWOFA_ROOT/.venv-scan"
    _twofa_pip_venv "$venv" "$venv/.twofa-checkov-${TWOFA_CHECKOV_VERSION}" checkov \
        "checkov==${TWOFA_CHECKOV_VERSION}"
    export CHECKOV_BIN="$venv/bin/checkov"
}

# axe-core, the accessibility rules tests/e2e (BrowserAccessibilityE2EIT) injects into the same
# headless Chromium that drives the client. Pinned in tests/e2e/axe/package-lock.json and installed
# with `npm ci` once (a stamp names the lock's hash). Exports TWOFA_AXE_JS. Without npm the scan
# cannot run: scripts/test stops here (CI=true or not), the test itself fails rather than skipping.
ensure_axe() {
    local dir="$TWOFA_ROOT/tests/e2e/axe" stamp hash
    hash="$(sha256sum "$dir/package-lock.json" | cut -c1-16)"
    stamp="$dir/node_modules/.twofa-axe-$hash"
    export TWOFA_AXE_JS="$dir/node_modules/axe-core/axe.min.js"
    if [ -f "$stamp" ] && [ -f "$TWOFA_AXE_JS" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "error: npm is needed to install axe-core for the accessibility scan (tests/e2e/axe)." >&2
        echo "  Debian/Ubuntu: sudo apt-get install npm; macOS: brew install node" >&2
        exit 1
    fi
    echo "Installing axe-core into tests/e2e/axe/node_modules (npm ci) ..." >&2
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    if [ ! -f "$TWOFA_AXE_JS" ]; then
        echo "error: npm ci ran but $TWOFA_AXE_JS is missing" >&2
        exit 1
    fi
    : >"$stamp"
}
