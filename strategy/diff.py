"""Where two wordings differ, for the revision history: a character-level difference suited to
Japanese, which has no spaces between words (取り組む → 取組む marks the removed り).

Numbers and runs of Latin letters count as one token each, so 10億円 → 100億円 reads as 10
replaced by 100 rather than a 0 added. The result is a list of runs (same, removed, added);
a lone common character between two changes is folded into them, and a text rewritten through
and through is shown as removed whole and added whole, so a reader never meets a confetti of
one-character marks. A pure function: no database, no HTML."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, REMOVED, ADDED = "same", "removed", "added"

# digits with their separators, or Latin letters, as one token; any other character alone
TOKEN = re.compile(r"[0-9０-９]+(?:[.,．，][0-9０-９]+)*|[A-Za-zＡ-Ｚａ-ｚ]+|.", re.DOTALL)

# below this share of text in common, a change is shown as the whole old and the whole new text
MIN_COMMON_RATIO = 0.3
# a common stretch this short between two changes is folded into them
MIN_COMMON_RUN = 2


@dataclass(frozen=True)
class Run:
    kind: str  # SAME, REMOVED or ADDED
    text: str


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def wording_diff(old: str, new: str) -> list[Run]:
    """`old` → `new` as runs of common, removed and added text, in reading order (within one
    change, the removed text before the added). Joining the SAME and REMOVED runs gives `old`;
    joining the SAME and ADDED runs gives `new`."""
    old, new = old or "", new or ""
    if old == new:
        return [Run(SAME, old)] if old else []
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    if common / max(len(a), len(b)) < MIN_COMMON_RATIO:
        return _merge([Run(REMOVED, old), Run(ADDED, new)])
    pieces: list[tuple[str, str, str]] = []  # (tag, old text, new text)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pieces.append((tag, "".join(a[i1:i2]), "".join(b[j1:j2])))
    # fold a short common stretch lying between two changes into the changes around it
    folded: list[tuple[str, str, str]] = []
    for index, (tag, old_text, new_text) in enumerate(pieces):
        between = 0 < index < len(pieces) - 1
        if tag == "equal" and between and len(old_text) < MIN_COMMON_RUN:
            tag = "replace"
        if tag != "equal" and folded and folded[-1][0] != "equal":
            _, old_before, new_before = folded.pop()
            folded.append(("replace", old_before + old_text, new_before + new_text))
        else:
            folded.append((tag, old_text, new_text))
    runs = []
    for tag, old_text, new_text in folded:
        if tag == "equal":
            runs.append(Run(SAME, old_text))
        else:
            if old_text:
                runs.append(Run(REMOVED, old_text))
            if new_text:
                runs.append(Run(ADDED, new_text))
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    """Drop empty runs and join neighbours of the same kind."""
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].kind == run.kind:
            merged[-1] = Run(run.kind, merged[-1].text + run.text)
        else:
            merged.append(run)
    return merged
