"""NB8xx: documentation and naming."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB801": "nb801_untitled_notebook:UntitledNotebook",
    "NB802": "nb802_copy_not_renamed:CopyNotRenamed",
    "NB803": "nb803_non_portable_filename:NonPortableFilename",
    "NB804": "nb804_filename_length:FilenameLength",
    "NB805": "nb805_missing_title_heading:MissingTitleHeading",
    "NB806": "nb806_missing_intro_text:MissingIntroText",
    "NB807": "nb807_missing_conclusion_text:MissingConclusionText",
    "NB808": "nb808_too_little_markdown:TooLittleMarkdown",
    "NB809": "nb809_no_h2_sections:NoH2Sections",
    "NB810": "nb810_undocumented_function:UndocumentedFunction",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset(
    {"NB803", "NB804", "NB806", "NB807", "NB808", "NB809", "NB810"}
)
