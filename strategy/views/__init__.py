"""Public pages of the strategy app alone: the project list, the directory of strategies and the
accessibility statement. Pages that combine the apps live in nemuro_strategy.pages."""
