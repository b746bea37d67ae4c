"""Pure text work, no ORM and no Django models: Chinese script conversion (OpenCC), HTML sanitising (nh3), diffs."""
