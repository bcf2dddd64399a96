# Shared by scripts/demo and scripts/test (sourced, not run): make .venv and install Frontdesk into it.
# Needs only Python 3.11 or newer; set PYTHON to choose the interpreter.

frontdesk_venv() {
    local extra="$1" python="${PYTHON:-python3}" stamp
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Frontdesk needs Python 3.11 or newer; '$python' is $("$python" --version 2>&1 || echo missing)." >&2
        echo "Set PYTHON=/path/to/python3.11 to choose another interpreter." >&2
        return 1
    fi
    if [ ! -x .venv/bin/python ]; then
        if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
            # Debian ships venv and ensurepip in a separate package.
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
                echo "Installing Python's venv module (apt-get install python3-venv)..."
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null \
                    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null; }
            else
                echo "Python's venv module is missing: sudo apt-get install python3-venv" >&2
                return 1
            fi
        fi
        echo "Creating .venv with $("$python" --version)..."
        "$python" -m venv .venv
    fi
    # Install again only when the package definition changed.
    stamp=".venv/.frontdesk-installed${extra:+-$extra}"
    if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
        echo "Installing Frontdesk${extra:+ with [$extra]} into .venv (the first time takes a minute)..."
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra:+[$extra]}"
        cp pyproject.toml "$stamp"
    fi
}
