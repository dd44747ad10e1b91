"""The counter application; its version is the installed distribution's."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quay-mot-cua")
except PackageNotFoundError:  # a source tree run without installing the project
    __version__ = "0.0.0+unknown"
