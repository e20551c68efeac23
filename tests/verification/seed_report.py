"""What the H28 seed report (fixtures/sources/000_*.txt) prints, parsed from its text, and the
text helpers the report's tests compare with: the page and the PDF are checked against the seed
itself, not against the fixtures, so the tests check the whole chain seed → YAML → database →
report."""

import html
import re


def squeeze(text: str) -> str:
    """Without any whitespace: the seed's extraction spaces (「延べ 947 人」, line wraps) and the
    page's layout spaces do not count, every character does."""
    return re.sub(r"\s+", "", text)


def strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def page_text(content: bytes) -> str:
    """The visible text of a page, squeezed (title and style left out)."""
    body = content.decode()
    body = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return squeeze(strip_tags(body))


def seed_yearly_cells(seed: str) -> list[str]:
    """The H27 and H28 cells of every 策定時–H31 table, as printed: 「1.53 (H25 数値) (0.16↑)」."""
    lines, cells = seed.splitlines(), []
    for i, line in enumerate(lines):
        if line.split() == ["策定時", "H27", "H28", "H29", "H30", "H31"]:
            row = next(candidate for candidate in lines[i + 1 :] if candidate.strip())
            cells += row.split("\t")[1:3]
    return cells


def seed_internal_verdicts(seed: str) -> list[tuple[str, str, str, str, str]]:
    """(year, grade, label, note, text) of every 内部検証結果 row."""
    verdicts = []
    for year, grade, label, text in re.findall(r"^(H2[78])\t([ABCD]) ([^\t<]+)\t(.+)$", seed, re.M):
        label, _, note = label.partition("。")
        verdicts.append((year, grade, label.strip(), note.strip(), strip_tags(text)))
    return verdicts


def seed_panel_verdicts(seed: str) -> list[tuple[str, str, str, list[str]]]:
    """(year, 「B 概ね順調に進んでいる」, 付帯意見, opinions) of every 有識者会議 row."""
    pattern = r"^(H2[78])\t<p>([ABCD] [^<]+)</p>\s*<p>◀付帯意見▶ ([^<]+)</p>\t(.+)$"
    return [
        (year, grade, supplementary, [o.strip() for o in strip_tags(rest).split("●")[1:]])
        for year, grade, supplementary, rest in re.findall(pattern, seed, re.M)
    ]


ENTRY_HEAD = re.compile(r"(?:^|\s)(\d{1,2}|-) (\S+)(?: (※[^〈]*?))?\s*$")
# Where an entry's 事業量 stops when the next thing is not another entry: a new measure, policy,
# goal, or the repeated table header of a new page.
OUTPUT_END = re.compile(
    r"\s(?:事業名/概要|基本目標-\d|[②③④]\S|\((?:イ|ウ)\)|具体的な事業の実施状況)"
)


def seed_project_entries(seed: str) -> list[dict]:
    """Every entry of 具体的な事業の実施状況: number, title (with its ※ note), 目的, 内容 and the
    事業量 lines (one per 「・」 bullet, or the text when there is none)."""
    chapter3 = seed[seed.index("第3章 数値目標等の達成状況と検証結果\n\n基本目標-1") :]
    flat = re.sub(r"\s+", " ", re.sub(r"</?(p|li|ul)[^>]*>", " ", chapter3))
    segments = flat.split("〈目的〉")
    heads = [ENTRY_HEAD.search(segment) for segment in segments[:-1]]
    entries = []
    for index, head in enumerate(heads):
        body = segments[index + 1]
        if index + 1 < len(heads):
            body = body[: heads[index + 1].start()]
        purpose, _, rest = body.partition("〈内容〉")
        content, _, outputs = rest.partition("〈事業量〉")
        end = OUTPUT_END.search(outputs)
        outputs = outputs[: end.start()] if end else outputs
        lines = [item.strip() for item in re.split(r"(?:^|\s)・", outputs.strip())[1:]]
        if not lines and outputs.strip():
            lines = [outputs.strip()]
        number, title, note = head.groups()
        entries.append(
            {
                "number": number,
                "title": title.replace(
                    "[民間等]", "【民間等】"
                ),  # printed both ways; shown as 【】
                "note": note or "",
                "purpose": purpose.strip(),
                "content": content.strip(),
                "lines": [f"・{line}" for line in lines] if lines != [outputs.strip()] else lines,
            }
        )
    return entries
