"""Credentials in code: provider token formats, and high-entropy literals bound to names
like `password`, `secret`, `token` or `api_key`.

Only a redacted preview of a secret ever leaves this module.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

#: Provider token formats (public documentation of each provider; gitleaks uses the same).
TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws_access_key_id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b")),
    ("github_fine_grained_token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("gitlab_token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20}\b")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    (
        "slack_webhook",
        re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/]{20,}"),
    ),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("openai_api_key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{32,}\b")),
    ("anthropic_api_key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{32,}\b")),
    ("stripe_key", re.compile(r"\b(?:sk|rk)_live_[0-9a-zA-Z]{24,}\b")),
    ("huggingface_token", re.compile(r"\bhf_[A-Za-z]{34}\b")),
    ("twilio_api_key", re.compile(r"\bSK[0-9a-f]{32}\b")),
    ("sendgrid_api_key", re.compile(r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b")),
    (
        "private_key",
        re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY"),
    ),
    (
        "jwt",
        re.compile(
            r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"
        ),
    ),
    (
        "url_with_password",
        re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:[^\s:/@]{3,}@[^\s/]+"),
    ),
)

_SECRET_NAME = re.compile(
    r"(?:^|_|\b)(?:pass(?:word|wd)?|pwd|secret|token|api_?key|apikey|access_?key|"
    r"private_?key|auth|credential|client_secret|bearer)(?:$|_|\b)",
    re.IGNORECASE,
)
_PASSWORD_NAME = re.compile(r"pass(?:word|wd)?|pwd", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:|x+|\*+|\.+|-+|<.*>|\{.*\}|\$\{.*\}|%\(.*\)s|none|null|true|false|changeme|"
    r"password|secret|token|test|example|dummy|placeholder|todo|tbd|your.*|my.*|enter.*|"
    r"insert.*|replace.*|.*here.*|.*xxx.*)$",
    re.IGNORECASE,
)


#: A literal every match of a format contains: `needle in text` is far cheaper than the
#: regular expression, and most texts (outputs especially) contain none of them.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "aws_access_key_id": ("AKIA", "ASIA", "AGPA", "AIDA", "AROA"),
    "github_token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "github_fine_grained_token": ("github_pat_",),
    "gitlab_token": ("glpat-",),
    "slack_token": ("xox",),
    "slack_webhook": ("hooks.slack.com",),
    "google_api_key": ("AIza",),
    "openai_api_key": ("sk-",),
    "anthropic_api_key": ("sk-ant-",),
    "stripe_key": ("_live_",),
    "huggingface_token": ("hf_",),
    "twilio_api_key": ("SK",),
    "sendgrid_api_key": ("SG.",),
    "private_key": ("-----BEGIN",),
    "jwt": ("eyJ",),
    "url_with_password": ("@",),
}


def token_matches(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Each provider-format match in `text`, with its kind, format by format."""
    for kind, pattern in TOKEN_FORMATS:
        if any(needle in text for needle in _NEEDLES[kind]):
            for match in pattern.finditer(text):
                yield kind, match


def token_kind(text: str) -> str | None:
    """The provider format `text` contains, if any."""
    return next((kind for kind, _ in token_matches(text)), None)


def is_secret_name(name: str) -> bool:
    """A variable, keyword or key that names a credential (`db_password`, `API_KEY`)."""
    return _SECRET_NAME.search(name) is not None


def looks_like_secret_value(name: str, value: str) -> bool:
    """A real-looking credential bound to a credential name (not a placeholder)."""
    if _PLACEHOLDER.match(value.strip()) or any(ch.isspace() for ch in value):
        return False
    if _PASSWORD_NAME.search(name):
        return len(value) >= 6
    return len(value) >= 12 and shannon_entropy(value) >= 3.0


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def redact(value: str) -> str:
    """A preview that identifies a secret to its owner without revealing it."""
    return f"{value[:4]}... ({len(value)} characters)"
