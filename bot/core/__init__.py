"""Slack-free core: knowledge loading, matching and plain-text rendering.

Nothing in this package imports slack_bolt or slack_sdk, so the CLI and the tests can use it
without a Slack app and the CLI starts about as fast as Python itself.
"""
