"""Replays that sell (讲解回放): an ended session with its recording attached sells again, its
pinned SKU card following the playback position and its chapters jumping to each product."""
