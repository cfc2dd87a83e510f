"""Reusable widgets of the app: the account list and the views of the other tabs."""
