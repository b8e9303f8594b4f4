"""Broadcasts: composing one (/broadcast: `broadcast`, `audience`, `steps`, `confirm`), how it
goes out (`delivery`) and reads (`views`), the live progress message (`progress`) and the list
with reports (/broadcasts: `listing`)."""
