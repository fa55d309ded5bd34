"""The live room: websocket fan-out of likes, carts, comments, pins, stock and viewer counts."""
