"""Pre-live reminders (预热): viewers subscribe to a scheduled session and are told once when it goes
live, through the brand's own messaging system (a signed webhook) or, by default, a log line."""
