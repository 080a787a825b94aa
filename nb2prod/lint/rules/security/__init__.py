"""NB7xx: security and secrets."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB701": "nb701_hardcoded_secret:HardcodedSecret",
    "NB702": "nb702_secret_in_output:SecretInOutput",
    "NB703": "nb703_secret_in_comment:SecretInComment",
    "NB704": "nb704_unsafe_deserialization:UnsafeDeserialization",
    "NB705": "nb705_shell_injection:ShellInjection",
    "NB706": "nb706_eval_exec:EvalExec",
    "NB707": "nb707_tls_verify_off:TlsVerifyOff",
    "NB708": "nb708_secret_in_markdown:SecretInMarkdown",
    "NB709": "nb709_secret_in_magic:SecretInMagic",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB704", "NB705"})
