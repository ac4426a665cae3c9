"""Orders: places on PUBLIC sessions bought by schools outside the trust — held while a
card is paid, confirmed at once with an invoice and a purchase-order number, cancelled
or substituted attendee by attendee, and their places released when a hold lapses."""
