"""The Ledger context: the social ledger of money moved between users (tips now; payments and payouts
later), recorded once per payment from the events on the bus and listed to both users."""
