"""Receiving, putaway, counts and returns: expected receipts, dock scans onto LPNs, putaway
suggestions and moves, cycle counts with recounts and approvals, customer returns. Builds on
inventory (the ledger), printing (LPN labels) and core; backorders are served through the
`arrived` hook the app hands down."""
