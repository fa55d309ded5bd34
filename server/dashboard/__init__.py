"""The live dashboard (直播大屏) and the session report: headline figures, per-minute curves, top
SKUs and the partner leaderboard of one live session, for its brand."""
