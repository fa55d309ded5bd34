"""The partner live funnel: snapshot, the websocket that pushes it, and the OrderPaid handler."""
