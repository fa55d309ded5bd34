"""PK competitions between partners (or teams of partners): scoring from paid orders, a live
leaderboard (Redis sorted sets or memory), and a frozen ranking at close whose bonuses the
commission ledger pays (`CompetitionClosed` → `pk_bonus`)."""
