"""Printers and print jobs: registered printers and their live status, labels rendered and
previewed, jobs recorded, sent, retried, reprinted and voided."""
