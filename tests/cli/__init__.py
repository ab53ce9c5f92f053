"""Tests of the command line: every command, its output at 80 columns and its errors."""
