"""Tests (a package, so helper modules import by their full name)."""
