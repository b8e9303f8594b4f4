"""Tests: unit tests, and conversation tests through real HTTP to the local Bot API server."""
