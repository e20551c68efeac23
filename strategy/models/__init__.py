from .core import FiscalYear, Municipality, Revision, Strategy, revision_in_force
from .organisation import Department, Membership
from .population import PopulationFigure
from .projects import Project, ProjectListing, ProjectOutput, ProjectOutputLine
from .revisioned import Amendment, RevisionedNode, RevisionedQuerySet
from .tree import BasicGoal, GoalDirection, Measure, Policy

__all__ = [
    "Amendment",
    "BasicGoal",
    "Department",
    "FiscalYear",
    "GoalDirection",
    "Measure",
    "Membership",
    "Municipality",
    "Policy",
    "PopulationFigure",
    "Project",
    "ProjectListing",
    "ProjectOutput",
    "ProjectOutputLine",
    "Revision",
    "RevisionedNode",
    "RevisionedQuerySet",
    "Strategy",
    "revision_in_force",
]
