"""Import and export: CSV, JSON and Markdown."""
