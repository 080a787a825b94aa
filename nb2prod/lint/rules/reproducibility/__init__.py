"""NB5xx: reproducibility."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB501": "nb501_absolute_path:AbsolutePath",
    "NB502": "nb502_uncontrolled_randomness:UncontrolledRandomness",
    "NB503": "nb503_nondeterministic_torch:NondeterministicTorch",
    "NB504": "nb504_unknown_python_version:UnknownPythonVersion",
    "NB505": "nb505_runtime_download:RuntimeDownload",
    "NB506": "nb506_cwd_change:CwdChange",
    "NB507": "nb507_environment_specific:EnvironmentSpecific",
    "NB508": "nb508_clock_dependent_output:ClockDependentOutput",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB503", "NB505", "NB508"})
