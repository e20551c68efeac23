"""Reading a tagged PDF as a screen reader does: the text of the structure tree in its order.

pdfminer.six gives the text of each marked-content sequence (page, MCID); pikepdf walks
``/StructTreeRoot`` and joins those texts in the tree's order, so tables come out cell by cell in
the order of the HTML, not in the order they were painted. Running headers and page numbers are
artifacts (no MCID) and do not appear. Two things WeasyPrint adds on purpose are set aside:
list markers (``/Lbl``: the bullets CSS draws) and the header row repeated where a table continues
on the next page (a ``/Table`` part without its ``/Caption``); a table's caption is read first,
as it comes first in the HTML.

The text of an HTML page is read the same way (``html_text``): everything in ``<body>`` except
what is not printed (``no-print``, the skip link)."""

import html
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pikepdf
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _MarkedText(PDFDevice):
    """The text drawn inside each marked-content sequence, by (page index, MCID)."""

    def __init__(self, resources):
        super().__init__(resources)
        self.page = -1
        self.stack: list[int | None] = []
        self.texts: dict[tuple[int, int], list[str]] = defaultdict(list)

    def begin_page(self, page, ctm):
        self.page += 1

    def begin_tag(self, tag, props=None):
        self.stack.append(props.get("MCID") if isinstance(props, dict) else None)

    def end_tag(self):
        self.stack.pop()

    def do_tag(self, tag, props=None):
        pass

    def render_string(self, textstate, seq, ncs, graphicstate):
        mcid = next((m for m in reversed(self.stack) if m is not None), None)
        if mcid is None:
            return
        font, text = textstate.font, []
        for item in seq:
            if isinstance(item, bytes):
                for cid in font.decode(item):
                    try:
                        text.append(font.to_unichr(cid))
                    except PDFUnicodeNotDefined:
                        pass
        self.texts[(self.page, mcid)].append("".join(text))


@dataclass
class Element:
    """A structure element: its type (/H2, /P, /TD…), the page it starts on (0-based) and its
    text in reading order."""

    kind: str
    page: int | None
    text: str = ""
    children: list["Element"] = field(default_factory=list)


@dataclass
class TaggedPdf:
    root: Element
    pages: int

    def walk(self):
        stack = [self.root]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.children))

    @property
    def text(self) -> str:
        return self.root.text

    def headings(self) -> list[tuple[str, str, int]]:
        """(level, text, page) of every heading, in reading order."""
        return [(e.kind, e.text, e.page) for e in self.walk() if e.kind in HEADINGS]


def read_tagged(content: bytes) -> TaggedPdf:
    resources = PDFResourceManager()
    device = _MarkedText(resources)
    interpreter = PDFPageInterpreter(resources, device)
    for page in PDFPage.get_pages(io.BytesIO(content)):
        interpreter.process_page(page)
    pdf = pikepdf.open(io.BytesIO(content))
    page_index = {page.objgen: index for index, page in enumerate(pdf.pages)}

    def marked(page, mcid) -> str:
        return "".join(device.texts.get((page, int(mcid)), []))

    def build(node, page) -> Element | None:
        if isinstance(node, int):
            return Element("#text", page, marked(page, node))
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if node.get("/Type") == "/MCR":
            if "/Pg" in node:
                page = page_index[node.Pg.objgen]
            return Element("#text", page, marked(page, node.MCID))
        if node.get("/Type") == "/OBJR":
            return None
        if "/Pg" in node:
            page = page_index[node.Pg.objgen]
        element = Element(str(node.get("/S", "")), page)
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        children = [child for kid in kids if (child := build(kid, page)) is not None]
        if element.kind == "/Table":
            captions = [c for c in children if c.kind == "/Caption"]
            rest = [c for c in children if c.kind != "/Caption"]
            if not captions:  # a table continued on a later page: its header row is repeated
                rest = [c for c in rest if c.kind != "/THead"]
            children = captions + rest
        element.children = children
        if element.page is None and children:
            element.page = next((c.page for c in children if c.page is not None), None)
        element.text = "".join(c.text for c in children if c.kind != "/Lbl")
        return element

    root = build(pdf.Root.StructTreeRoot, None) or Element("/StructTreeRoot", None)
    return TaggedPdf(root=root, pages=len(pdf.pages))


class _PrintedText(HTMLParser):
    """The text of an HTML page that is printed: <body> without .no-print and the skip link."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
            return
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.hidden_depth or "no-print" in classes or "skip-link" in classes:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in self.VOID or tag == "body":
            return
        if self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if self.in_body and not self.hidden_depth:
            self.parts.append(data)


def html_text(content: str) -> str:
    parser = _PrintedText()
    parser.feed(content)
    return "".join(parser.parts)


def html_headings(content: str) -> list[tuple[str, str]]:
    """(level, text) of every h1–h6 in the printed part of a page, in document order."""
    found = []
    for match in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", content, flags=re.S):
        text = re.sub(r"<[^>]+>", "", match[2])
        found.append((f"/H{match[1]}", squeeze(html.unescape(text))))
    return found


def in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces not found in `text` one after the other (each after the previous one's end);
    an empty list when every piece is there in order."""
    missing, position = [], 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(piece)
    return missing
