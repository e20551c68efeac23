"""Public pages that combine the strategy tree with its indicators (kpi) and verdicts
(verification): the top page, goal and measure pages, and the revision history."""
