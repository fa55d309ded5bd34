"""After payment: parcels and delivery, after-sales (售后) requests, completion (issue #24)."""
