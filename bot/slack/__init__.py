"""The Slack layer: settings, Block Kit rendering, the Bolt app and how it is served."""
