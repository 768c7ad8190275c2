"""Settings read from the environment at call time, never cached (README: Settings)."""
import os

# name -> meaning, quoted by the error messages below.
ENV_VARS = {
    "D2L_DATA_DIR": "folder holding fashion-mnist/ and mnist/ (the IDX files)",
    "D2L_RESULTS": "JSON-lines file that trainers append their run records to",
    "D2L_NUM_THREADS": "CPU threads for the shim's runs (default: the cores others leave free)",
    "D2L_MAX_TRAIN_EXAMPLES": "cap on training examples per epoch (heavy exercises)",
    "D2L_MAX_TEST_EXAMPLES": "cap on test examples evaluated (heavy exercises)",
    "D2L_MAX_EPOCHS": "cap on epochs (heavy exercises)",
    "D2L_ANIMATOR": "live | final | off: how Animator shows its figure",
    "D2L_RECORD_STEPS": "1: run records keep every step's loss (same-start comparisons)",
}


def _positive_int(name):
    """Return the env var ``name`` as a positive int, or None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{name}={raw!r}: expected a positive integer ({ENV_VARS[name]})")
    return value


def data_dir():
    """Folder named by D2L_DATA_DIR, or None."""
    raw = os.environ.get("D2L_DATA_DIR", "").strip()
    return os.path.expanduser(raw) if raw else None


def results_file():
    """Path named by D2L_RESULTS, or None."""
    raw = os.environ.get("D2L_RESULTS", "").strip()
    return raw or None


def user_threads():
    """Threads the user chose for the frameworks (D2L_NUM_THREADS, else OMP_NUM_THREADS), or None."""
    chosen = _positive_int("D2L_NUM_THREADS")
    if chosen:
        return chosen
    raw = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def record_steps():
    """Whether run records keep each step's loss (D2L_RECORD_STEPS=1)."""
    raw = os.environ.get("D2L_RECORD_STEPS", "").strip()
    if raw not in ("", "0", "1"):
        raise ValueError(f"D2L_RECORD_STEPS={raw!r}: expected 0 or 1 ({ENV_VARS['D2L_RECORD_STEPS']})")
    return raw == "1"


def max_train_examples():
    """Cap on training examples (D2L_MAX_TRAIN_EXAMPLES), or None."""
    return _positive_int("D2L_MAX_TRAIN_EXAMPLES")


def max_test_examples():
    """Cap on test examples (D2L_MAX_TEST_EXAMPLES), or None."""
    return _positive_int("D2L_MAX_TEST_EXAMPLES")


def max_epochs():
    """Cap on epochs (D2L_MAX_EPOCHS), or None."""
    return _positive_int("D2L_MAX_EPOCHS")


CAPS = {"max_train_examples": ("D2L_MAX_TRAIN_EXAMPLES", "train"),
        "max_test_examples": ("D2L_MAX_TEST_EXAMPLES", "test"),
        "max_epochs": ("D2L_MAX_EPOCHS", "epochs")}


def caps():
    """The caps in force, {'max_train_examples': 4096, ...}; empty on the full data."""
    found = {key: _positive_int(var) for key, (var, _) in CAPS.items()}
    return {key: value for key, value in found.items() if value}


def profile(capped=None):
    """'full', or a name for a set of caps such as 'train4096-test2048-epochs2'."""
    capped = caps() if capped is None else {k: v for k, v in capped.items() if v}
    if not capped:
        return "full"
    return "-".join(f"{CAPS[key][1]}{capped[key]}" for key in CAPS if key in capped)


def cap_runs(full_run=False, **caps):
    """A heavy notebook's switch: cap this process's runs (``max_train_examples=2048``, ...; a
    cap already set, e.g. by ``make test``, is kept), or with ``full_run=True`` lift every cap.
    Returns the profile now in force. Called by the notebook itself, never at import."""
    unknown = set(caps) - set(CAPS)
    if unknown:
        raise ValueError(f'unknown caps {sorted(unknown)}; expected some of {sorted(CAPS)}')
    for key, (var, _) in CAPS.items():
        if full_run:
            os.environ.pop(var, None)
        elif key in caps:
            os.environ.setdefault(var, str(_checked_cap(key, caps[key])))
    return profile()


def _checked_cap(key, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f'{key} must be a positive int, not {value!r}')
    return value


def animator_mode():
    """'live' inside a Jupyter kernel, else 'off', unless D2L_ANIMATOR says otherwise."""
    raw = os.environ.get("D2L_ANIMATOR", "").strip().lower()
    if raw:
        if raw not in ("live", "final", "off"):
            raise ValueError(f"D2L_ANIMATOR={raw!r}: expected live, final or off")
        return raw
    try:
        from IPython import get_ipython
    except ImportError:
        return "off"
    shell = get_ipython()
    return "live" if shell is not None and hasattr(shell, "kernel") else "off"
