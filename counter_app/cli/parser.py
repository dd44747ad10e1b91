"""argparse in Vietnamese: usage prefix, group titles, help flag and error messages."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from counter_app import texts

_ERROR_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.*)"), "required"),
    (re.compile(r"unrecognized arguments: (.*)"), "unrecognized"),
    (re.compile(r"argument (\S+): expected one argument"), "expected_one"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"), "invalid_choice"),
    (re.compile(r"argument (\S+): invalid (\S+) value: (.*)"), "invalid_value"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "not_allowed_with"),
    (re.compile(r"one of the arguments (.*) is required"), "one_required"),
)


def translate_error(message: str) -> str:
    for pattern, key in _ERROR_PATTERNS:
        match = pattern.search(message)
        if match:
            return texts.CLI_ERROR_TEMPLATES[key].format(*match.groups())
    return message


class VietnameseFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a subcommand's prog from the parent's usage
        # (only None means "the default prefix"), else every subcommand's usage says it twice.
        super().add_usage(
            usage, actions, groups, texts.CLI_USAGE_PREFIX if prefix is None else prefix
        )


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose every user-facing word is Vietnamese; errors exit with 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = texts.CLI_POSITIONALS_TITLE
        self._optionals.title = texts.CLI_OPTIONS_TITLE
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=texts.CLI_HELP
        )

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(texts.cli_usage_error(translate_error(message)) + "\n")
        raise SystemExit(2)
