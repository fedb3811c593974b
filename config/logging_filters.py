"""Logging filters, imported by the LOGGING setting (so: no Django imports here)."""

import logging


class WithoutTraceback(logging.Filter):
    """Log expected, client-caused errors (a bad Host header) in one line, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
