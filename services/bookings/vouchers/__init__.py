"""Voucher codes an admin makes for schools outside the trust: percent or fixed money
off some courses or all, a limited number of uses, a validity window."""
