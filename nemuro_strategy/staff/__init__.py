"""The staff home: what each user may do, strategy by strategy, and the staff URL conf."""
