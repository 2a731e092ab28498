"""One module per Live function: sessions and participants, queue and votes, chat."""
