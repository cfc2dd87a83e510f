"""Allows ``python -m acctmap_tui``."""

from acctmap_tui.cli import main

if __name__ == "__main__":
    main()
