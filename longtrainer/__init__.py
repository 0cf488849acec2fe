"""longtrainer: execution-layer rate limiting for multi-tenant LLM platforms."""

__version__ = "0.1.0"
