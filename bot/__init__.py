"""tpm-bot: answers Technical Product Manager career questions from a curated guide."""

__version__ = "0.1.0"
