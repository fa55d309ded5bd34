"""Buyers a brand can recognise, with consent (issue #19, private traffic 私域): a profile per brand
and buyer, kept up to date from OrderPaid / OrderRefunded by an outbox consumer."""
