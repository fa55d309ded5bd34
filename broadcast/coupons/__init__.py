"""Live coupon drops (优惠券): a brand defines coupons, drops one into a live room, viewers claim it
while stock lasts, and checkout applies a claim to the order (`broadcast.checkout.checkout`)."""
