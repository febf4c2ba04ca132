"""发展党员 (issue 19): the 25 steps and their order (steps), the way through them with its rules
(pipeline), the 支部党员大会's votes (votes), those who train and sponsor and what the training
leaves in writing (training), the 公示 with their objections (publicity), and the ways out or
the one extension (exits)."""

from handlers.recruitment import deadlines, decisions, exits, publicity, training, votes
from handlers.recruitment.pipeline import apply, branches_to_apply, done, find, own, record_step
from handlers.recruitment.steps import OPEN, STAGE_LABELS, STEPS, step

__all__ = [
    "OPEN",
    "STAGE_LABELS",
    "STEPS",
    "apply",
    "branches_to_apply",
    "deadlines",
    "decisions",
    "done",
    "exits",
    "find",
    "letters",
    "own",
    "plans",
    "publicity",
    "record_step",
    "step",
    "training",
    "votes",
]
