"""Live lottery draws (抽奖): a brand opens a draw in a live session, viewers enter, the draw is
made from a seed committed to (by its SHA-256) before anyone could enter, so anyone can check it."""
