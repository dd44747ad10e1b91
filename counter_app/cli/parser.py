"""argparse in Vietnamese: usage prefix, group titles, help flag and error messages."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from counter_app import texts

_ERROR_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.*)"), "thiếu tham số {0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "không hiểu tham số {0}"),
    (re.compile(r"argument (\S+): expected one argument"), "tham số {0} cần một giá trị"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
     "tham số {0}: giá trị {1} không có; chọn một trong {2}"),
    (re.compile(r"argument (\S+): invalid (\S+) value: (.*)"), "tham số {0}: giá trị {2} sai"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"),
     "không dùng {0} cùng với {1}"),
    (re.compile(r"one of the arguments (.*) is required"), "cần một trong các tham số {0}"),
)


def translate_error(message: str) -> str:
    for pattern, template in _ERROR_PATTERNS:
        match = pattern.search(message)
        if match:
            return template.format(*match.groups())
    return message


class VietnameseFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix or texts.CLI_USAGE_PREFIX)


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose every user-facing word is Vietnamese; errors exit with 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = texts.CLI_POSITIONALS_TITLE
        self._optionals.title = texts.CLI_OPTIONS_TITLE
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=texts.CLI_HELP)

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(texts.cli_usage_error(translate_error(message)) + "\n")
        raise SystemExit(2)
