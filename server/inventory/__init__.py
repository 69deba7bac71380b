"""What is where: warehouses and locations, SKUs and their barcodes, stock and its ledger,
availability to promise, and CSV import/export of all three."""
