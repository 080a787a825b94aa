"""The one secret detector: what in a text, or in a value bound to a name, is a
credential, and how to show it without revealing it.

Three families, each cheap to rule out (a needle check before any regular expression):
provider token formats (AWS, GitHub, Slack, OpenAI, private key blocks, JWTs...),
`Authorization: Bearer ...` headers, and `password=...` / `api_key: ...` key-value text.
Values bound to credential names (`db_password = "..."`) are judged by `value_secret`.
Placeholders (`your-api-key`, `<TOKEN>`, `xxx`, AWS's documented `...EXAMPLE` key) are not
secrets. Only a redacted preview of a secret ever leaves this module's callers: the value
itself travels as a `SecretText`, which prints as `<redacted>`.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

#: Provider token formats (public documentation of each provider; gitleaks uses the same),
#: compiled on first need: most texts hold none of their needles.
#: A `secret` group, when there is one, is the part that is the credential.
TOKEN_FORMATS: tuple[tuple[str, str], ...] = (
    ("aws_access_key_id", (r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github_token", (r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b")),
    ("github_fine_grained_token", (r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("gitlab_token", (r"\bglpat-[A-Za-z0-9_\-]{20}\b")),
    ("slack_token", (r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{10,}\b")),
    (
        "slack_webhook",
        (r"https://hooks\.slack\.com/services/[A-Za-z0-9/]{20,}"),
    ),
    ("google_api_key", (r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("anthropic_api_key", (r"\bsk-ant-[A-Za-z0-9_\-]{32,}")),
    ("openai_api_key", (r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{32,}")),
    ("stripe_key", (r"\b(?:sk|rk)_live_[0-9a-zA-Z]{24,}\b")),
    ("huggingface_token", (r"\bhf_[A-Za-z]{34}\b")),
    ("twilio_api_key", (r"\bSK[0-9a-f]{32}\b")),
    ("sendgrid_api_key", (r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b")),
    (
        "private_key",
        (
            r"-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY[ A-Z]{0,10}-----[A-Za-z0-9+/=\s\\]*"
            r"(?:-----END[ A-Z0-9]{0,20}PRIVATE KEY[ A-Z]{0,10}-----)?"
        ),
    ),
    (
        "jwt",
        (r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    ),
    (
        "url_with_password",
        (r"://[^\s:/@]+:(?P<secret>[^\s:/@]{3,})@[^\s/]+"),
    ),
    (
        "authorization_header",
        (
            r"(?i:authorization)[\"']?\s*[:=]\s*[\"']?(?i:bearer|basic|token|digest)\s+"
            r"(?P<secret>[A-Za-z0-9._~+/\-]{8,}=*)"
            r"|\b(?i:bearer)\s+(?P<bearer>[A-Za-z0-9._~+/\-]{16,}=*)"
        ),
    ),
)

#: A literal every match of a format contains: `needle in text` is far cheaper than the
#: regular expression, and most texts (outputs especially) contain none of them.
#: Lower-case needles are looked for in any case.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "aws_access_key_id": ("AKIA", "ASIA", "AGPA", "AIDA", "AROA"),
    "github_token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "github_fine_grained_token": ("github_pat_",),
    "gitlab_token": ("glpat-",),
    "slack_token": ("xox", "xapp-"),
    "slack_webhook": ("hooks.slack.com",),
    "google_api_key": ("AIza",),
    "anthropic_api_key": ("sk-ant-",),
    "openai_api_key": ("sk-",),
    "stripe_key": ("_live_",),
    "huggingface_token": ("hf_",),
    "twilio_api_key": ("SK",),
    "sendgrid_api_key": ("SG.",),
    "private_key": ("PRIVATE KEY",),
    "jwt": ("eyJ",),
    "url_with_password": ("://",),
}
_LOWER_NEEDLES: dict[str, tuple[str, ...]] = {
    "authorization_header": ("authorization", "bearer"),
}

#: Each format with one expression for its needles (a search runs at C speed).
_FORMATS = tuple(
    (
        kind,
        re.compile(
            "|".join(map(re.escape, _NEEDLES.get(kind) or _LOWER_NEEDLES[kind])),
            0 if kind in _NEEDLES else re.IGNORECASE,
        ),
    )
    for kind, _ in TOKEN_FORMATS
)
#: The case-sensitive needles of every format in one expression: most texts hold none
#: of them, and one search rules them all out. (Case-insensitive expressions are slow
#: in Python's engine: the other needles are looked for in the lower-cased text.)
_CASED_NEEDLES = re.compile(
    "|".join(re.escape(needle) for needles in _NEEDLES.values() for needle in needles)
)
#: No secret fits in fewer characters (`pwd=abcdef` is ten).
_SHORTEST = 8

_SECRET_NAME = re.compile(
    r"(?:^|_|\b)(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|auth|credentials?|client_secret|bearer)(?:$|_|\b)",
    re.IGNORECASE,
)
_PASSWORD_NAME = re.compile(r"pass(?:word|wd)?|pwd", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:|x+|\*+|\.+|-+|<.*>|\{.*\}|\$\{.*\}|\$\w+|%\w+%|%\(.*\)s|none|null|true|false|"
    r"changeme|pass(?:word|wd)?\d*|secret\d*|token\d*|test\d*|example|dummy|"
    r"placeholder|todo|tbd|your.*|"
    r"my.*|enter.*|insert.*|replace.*|.*here.*|.*xxx.*|.*\.\.\.|.*…|"
    r".*(?:example|sample|dummy|placeholder|redacted).*)$",
    re.IGNORECASE,
)
#: Documentation samples, not credentials (AWS publishes AKIAIOSFODNN7EXAMPLE), and
#: tokens padded with one repeated character (`ghp_xxxxxxxx...`).
_SAMPLE = re.compile(r"EXAMPLE|SAMPLE|(.)\1{7}", re.IGNORECASE)
#: The key id in a pre-signed download URL (what `!wget` of a GitHub release prints)
#: belongs to the host, and the URL expires.
_PRESIGNED = re.compile(r"(?:Credential|AWSAccessKeyId)=$")
_PRESIGNED_KEY = re.compile(r"(?:X-Amz-|X-Goog-)?Credential$|AWSAccessKeyId$")
#: Formats whose body may repeat a character (base64 of zeros) without being a sample.
_LONG_BODIES = frozenset({"private_key", "jwt"})

#: `api_key = "..."`, `"password": "..."`, `token: ...` in prose, logs, shell lines.
_KEY_VALUE = re.compile(
    r"(?<![\w.\-])(?P<key>[\w.\-]{0,40}?"
    r"(?i:pass|pwd|secret|token|key|auth|credential)[\w.\-]{0,40}?)"
    r"[\"']?[ \t]*[:=][ \t]*"
    r"(?P<quote>[\"']?)(?P<secret>[^\s\"'`,;&<>()\[\]{}]{6,})"
)
#: `%set_env NAME VALUE`, `%env NAME VALUE`: IPython's forms without `=`.
_SET_ENV = re.compile(
    r"(?:%(?:set_)?|\bset_)env[ \t]+(?P<key>[A-Za-z_]\w*)[ \t]+(?P<secret>\S{6,})"
)
#: Escapes that end a value in a repr (`'secret\\n'`): not part of it.
_ESCAPES = re.compile(r"(?:\\+[nrt])+$")
#: Words every credential key holds, looked for in the lower-cased text.
_KEY_NEEDLES = ("pass", "pwd", "secret", "token", "key", "auth", "credential")
#: A value that names something (`os.environ`, `getpass`, `config.token`) rather than
#: being one; only quoted values skip this test.
_REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z_.]*$")


class SecretMatch(NamedTuple):
    """Where a secret sits in a text: `text[start:end]` is the credential itself."""

    start: int
    end: int
    kind: str  # the provider format, authorization_header, or assigned_secret
    name: str | None  # the key it is bound to in key-value text


class SecretText:
    """A secret's value that never prints: `repr`, `str` and f-strings show
    `<redacted>`; only `reveal()` gives the value (to find and redact it elsewhere)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretText) and other._value == self._value

    def __lt__(self, other: SecretText) -> bool:
        return self._value < other._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[type[SecretText], tuple[str]]:
        return (SecretText, (self._value,))


def token_matches(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Each provider-format match in `text` with its kind, samples included."""
    cased = _CASED_NEEDLES.search(text) is not None
    lowered: str | None = None
    for kind, needles in _FORMATS:
        if kind in _LOWER_NEEDLES:
            lowered = text.lower() if lowered is None else lowered
            if not any(needle in lowered for needle in _LOWER_NEEDLES[kind]):
                continue
        elif not (cased and needles.search(text)):
            continue
        yield from ((kind, match) for match in _format(kind).finditer(text))


@functools.cache
def _format(kind: str) -> re.Pattern[str]:
    return re.compile(dict(TOKEN_FORMATS)[kind])


def text_secrets(text: str) -> list[SecretMatch]:
    """The secrets in free text (a comment, markdown, a shell line, an output), in
    order and without overlaps."""
    if len(text) < _SHORTEST:
        return []
    found = list(_token_secrets(text))
    found += _key_value_secrets(text)
    return _without_overlaps(found)


def value_secret(name: str | None, value: str) -> str | None:
    """The kind of secret a string literal bound to `name` is (None: not a secret):
    a token or header inside it, or a real-looking value bound to a credential name."""
    inner = text_secrets(value)
    if inner:
        return inner[0].kind
    if (
        name is not None
        and is_secret_name(name)
        and looks_like_secret_value(name, value)
    ):
        return "assigned_secret"
    return None


def token_kind(text: str) -> str | None:
    """The provider format `text` contains, if any (samples excluded)."""
    return next((match.kind for match in _token_secrets(text)), None)


def is_secret_name(name: str) -> bool:
    """A variable, keyword or key that names a credential (`db_password`, `API_KEY`)."""
    return _SECRET_NAME.search(name) is not None


def looks_like_secret_value(name: str, value: str) -> bool:
    """A real-looking credential bound to a credential name (not a placeholder)."""
    if _PLACEHOLDER.match(value.strip()) or any(ch.isspace() for ch in value):
        return False
    if _SAMPLE.search(value):
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
    """A preview that identifies a secret to its owner without revealing it: a few
    first characters (fewer for short values) and the length."""
    shown = value[: min(4, len(value) // 4)]
    return f"{shown}... ({len(value)} characters)"


class Redactor:
    """Replaces secrets in any text by their previews: what the detector finds, and
    the values found elsewhere in the notebook (a password bound to `db_password`
    that a cell also printed). Shows no value in its own `repr`."""

    def __init__(
        self, values: Iterable[SecretText] = (), *, key_values: bool = True
    ) -> None:
        known = {value.reveal() for value in values}
        self._values = sorted((v for v in known if len(v) >= 6), key=len, reverse=True)
        # `password=...` text is prose, not code: generated code is searched for
        # known values and token formats only
        self._key_values = key_values

    def __repr__(self) -> str:
        return f"Redactor({len(self._values)} known values)"

    def spans(self, text: str) -> list[SecretMatch]:
        """Where `text` holds a secret, in order and without overlaps; a known value
        cut short (`message[:60]`) counts too."""
        found = text_secrets(text) if self._key_values else list(_token_secrets(text))
        for value in self._values:
            for cut in _cut_values(text, value):
                found.append(SecretMatch(*cut, "known", None))
        return _without_overlaps(found)

    def holds_secret(self, text: str) -> bool:
        return bool(self.spans(text))

    def __call__(self, text: str) -> str:
        """`text` with each secret replaced by its preview."""
        spans = self.spans(text)
        if not spans:
            return text
        pieces, last = [], 0
        for span in spans:
            pieces += [text[last : span.start], redact(text[span.start : span.end])]
            last = span.end
        pieces.append(text[last:])
        return "".join(pieces)


def _token_secrets(text: str) -> Iterator[SecretMatch]:
    for kind, match in token_matches(text):
        group = next(
            (g for g in ("secret", "bearer") if g in match.re.groupindex and match[g]),
            None,
        )
        start, end = match.span(group) if group else match.span()
        value = text[start:end]
        if kind not in _LONG_BODIES and _SAMPLE.search(value):
            continue
        if kind == "aws_access_key_id" and _PRESIGNED.search(
            text[max(0, start - 20) : start]
        ):
            continue
        if kind == "private_key" and len(re.findall(r"[A-Za-z0-9+/]", value)) < 120:
            continue  # a header alone, or `...` where the key would be
        if kind in ("url_with_password", "authorization_header") and not (
            looks_like_secret_value("password", value)
        ):
            continue
        if kind == "url_with_password" and text[:start].endswith(f"//{value}:"):
            continue  # `postgres:postgres@localhost`: a default, not a secret
        yield SecretMatch(start, end, kind, None)


def _key_value_secrets(text: str) -> Iterator[SecretMatch]:
    lowered = text.lower()
    if not any(needle in lowered for needle in _KEY_NEEDLES):
        return
    matches = list(_KEY_VALUE.finditer(text))
    if "env" in text:
        matches += _SET_ENV.finditer(text)
    for match in matches:
        key, value = match["key"], _ESCAPES.sub("", match["secret"])
        if not is_secret_name(key) or _PRESIGNED_KEY.match(key):
            continue
        quoted = bool(match.groupdict().get("quote"))
        if not quoted and _REFERENCE.match(value):
            continue
        if looks_like_secret_value(key, value) or token_kind(value):
            start = match.start("secret")
            yield SecretMatch(start, start + len(value), "assigned_secret", key)


def _cut_values(text: str, value: str) -> Iterator[tuple[int, int]]:
    """Spans of `text` holding the start of `value` cut short (by `message[:60]` or a
    table cell): 10 characters or more, or 6 before an ellipsis or the end."""
    head = value[:6]
    start = text.find(head)
    while start != -1:
        length = 6
        while (
            length < len(value)
            and start + length < len(text)
            and text[start + length] == value[length]
        ):
            length += 1
        rest = text[start + length :]
        if length >= 10 or not rest.strip() or rest.startswith(("…", "...")):
            yield start, start + length
        start = text.find(head, start + length)


def _without_overlaps(found: list[SecretMatch]) -> list[SecretMatch]:
    """Earliest first; of overlapping matches, the longest."""
    result: list[SecretMatch] = []
    for match in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if result and match.start < result[-1].end:
            if match.end > result[-1].end:
                result[-1] = result[-1]._replace(end=match.end)
            continue
        result.append(match)
    return result
