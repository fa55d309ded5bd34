"""Order webhooks for the brand's own systems: endpoints a brand registers, one delivery per
(endpoint, outbox event) it subscribed to, sent signed, retried, ordered per order, logged."""
