"""acctmap: keyboard-first account mapping and account planning in the terminal."""

__version__ = "0.1.0"
