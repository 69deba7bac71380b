"""Receiving, putaway, counts and returns (to come): expected receipts, dock scans, LPNs,
putaway suggestions, cycle counts and returns. Builds on inventory and orders (backorders)."""
