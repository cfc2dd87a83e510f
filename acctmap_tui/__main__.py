"""Allows ``python -m acctmap_tui``."""

from acctmap_tui.launcher import main

if __name__ == "__main__":
    main()
