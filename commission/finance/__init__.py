"""The finance desk's read models: partner balances by name with their clawbacks explained,
payouts with their Stripe transfers, commission per day, and their CSV exports."""
