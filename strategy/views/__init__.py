"""Public pages of the strategy tree (pages.py) and the project list (projects.py)."""

from .pages import goal, home, measure, revision_tree, revisions, top
from .projects import project_list

__all__ = ["goal", "home", "measure", "project_list", "revision_tree", "revisions", "top"]
