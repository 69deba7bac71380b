"""Work on the floor: waves, trips and the pickers who hold them, pick confirmation (the
one-statement path in groups, and the full path), short picks, alternative bins, replenishment,
and the shortest walk through a trip's bins."""
