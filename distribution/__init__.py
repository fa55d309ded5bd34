"""The distribution end: partners and their tree, partnerships with brands, links and QR codes,
clicks, attribution and customer binding, fraud guards, funnels and leaderboards."""
