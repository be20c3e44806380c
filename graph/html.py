"""An interactive HTML view of the entity graph for checking facts: one self-contained file.

:func:`html_data` reads the store into JSON-ready data: the nodes and edges of
:func:`graph.draw.entity_graph` (entities, and the allegations and outcomes it adds as nodes), laid
out by a deterministic networkx layout, every fact about each node with the sentences it was
derived from (document, character offsets, text), and, from the documents that facts cite, the
passages of their text around those sentences. :func:`html_page` renders the Jinja2 template
``graph/templates/view.html`` (with ``view.css`` and ``view.js``) into one HTML page with the
vendored Cytoscape.js (``graph/static/``), every script and style inlined; :func:`write_html`
writes it to a file.

In the page, drag to pan, scroll to zoom, click a node (or an edge) to list its facts and their
source sentences in the side panel, each sentence highlighted (``<mark>``) in its paragraph of the
document. The search box lists the entities whose name (label or other name) contains what is
typed; choosing one selects and centres it. Check boxes hide entity types, fact types (classes)
and documents. The URL holds the state, so a link can be shared ("Copy link"):

- ``?select=<IRI>``: that node selected, as a click on it would; a fact that is no node (a
  membership, investigation, statement) as a click on its edge would (``?fact=<IRI>`` too);
- ``?hide=Person&hide=Statement``: entity types and fact classes hidden;
- ``?hide-doc=<document IRI>``: the facts of that document, and the entities named only there,
  hidden;
- ``?search=<text>``: the search box filled in on load and its matches listed.

The ``<body>`` exposes the state to the tests as ``data-*`` attributes: ``data-rendered`` (nodes
Cytoscape holds), ``data-edges``, ``data-visible-nodes`` and ``data-visible-edges`` (what the
filters leave), ``data-selected`` (the IRI), ``data-selected-at`` (where the selection is drawn,
``x,y`` in CSS pixels of the page), ``data-search-results`` (how many shown nodes match the
search), ``data-link`` (the shareable URL), ``data-zoom``, ``data-node-font-size`` and
``data-edge-font-size`` (label sizes in graph units: on screen they are that times the zoom, at
least :data:`MIN_LABEL_PIXELS` at the first view). Each cited sentence in the side panel is a
``<mark>`` with ``data-doc``, ``data-begin`` and ``data-end``.

The same store always gives the same bytes: everything is sorted, the layout is seeded and the
page holds no date. networkx and Jinja2 are imported inside the functions.

Examples
--------
>>> from graph.store import CaseStore
>>> with CaseStore.open(None) as store:
...     page = html_page(store)
>>> page.startswith("<!DOCTYPE html>"), page.count("<script"), page.count("</script>")
(True, 4, 4)
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.analysis import ENTITY_TYPES, FACT_TYPES
from graph.draw import NODE_STYLES
from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx

    from graph.store import CaseStore

__all__ = [
    "CLASS_FAMILIES",
    "CONTEXT_CHARS",
    "EDGE_FAMILIES",
    "EDGE_STYLES",
    "FACT_CLASSES",
    "HIGHLIGHT",
    "MIN_LABEL_PIXELS",
    "NODE_SHAPES",
    "html_data",
    "html_page",
    "write_html",
]

_PACKAGE = Path(__file__).resolve().parent
_STATIC = _PACKAGE / "static"
_LIBRARY = "cytoscape.min.js"
_TEMPLATES = _PACKAGE / "templates"
_TEMPLATE = "view.html"

#: Characters of the document shown on each side of a cited sentence, at most: the paragraphs
#: (text between blank lines) around it that fit, or its own paragraph cut there.
CONTEXT_CHARS = 300

#: Smallest size of labels on screen, in CSS pixels, at the first view: label fonts grow when the
#: graph is fitted to the window at a zoom that would draw them smaller.
MIN_LABEL_PIXELS = 12

#: The colour around the selected node or edge (no node type or edge family has it).
HIGHLIGHT = "#FFCC00"

#: Fact classes, in the order of the filters and of the facts listed for an entity.
FACT_CLASSES = ("Membership", "Investigation", "Allegation", "Outcome", "Statement")

#: The edge family (a key of :data:`EDGE_STYLES`) that draws each fact class; statements have none.
CLASS_FAMILIES: dict[str, str] = {
    "Membership": "member of",
    "Investigation": "investigated",
    "Allegation": "allegation",
    "Outcome": "outcome",
}

#: Cytoscape.js node shape for each matplotlib marker of :data:`graph.draw.NODE_STYLES`.
NODE_SHAPES: dict[str, str] = {
    "s": "round-rectangle",
    "o": "ellipse",
    "^": "triangle",
    "D": "diamond",
    "v": "vee",
    "h": "hexagon",
}

#: Colour and line style of each edge family, in legend order.
EDGE_STYLES: dict[str, tuple[str, str]] = {
    "member of": ("#7a7a7a", "solid"),
    "investigated": ("#332288", "solid"),
    "allegation": ("#AA3377", "dashed"),
    "outcome": ("#117733", "dotted"),
}

#: Edge kinds of :func:`graph.draw.entity_graph` in each family; any other kind (an outcome
#: notation, when outcomes are edges rather than nodes) is an outcome edge.
EDGE_FAMILIES: dict[str, str] = {
    "member of": "member of",
    "investigated": "investigated",
    "against": "allegation",
    "alleged against": "allegation",
    "applies to": "outcome",
    "decided": "outcome",
    "concerns": "outcome",
}

# The class of a fact, and the role each entity plays in it.
_PARTICIPANTS_QUERY = """
SELECT DISTINCT ?fact ?class ?role ?entity WHERE {
  VALUES (?class ?property ?role) {
    (cg:Membership cg:member "member") (cg:Membership cg:organisation "organisation")
    (cg:Investigation cg:investigator "investigator") (cg:Investigation cg:subject "subject")
    (cg:Allegation cg:madeBy "made by") (cg:Allegation cg:against "against")
    (cg:Outcome cg:decidedBy "decided by") (cg:Outcome cg:appliesTo "applies to")
    (cg:Outcome cg:concerns "concerns") (cg:Statement cg:saidBy "said by")
  }
  ?fact a ?class ; ?property ?entity .
}
"""

# Literal details of a fact: role as worded, allegation label, outcome type, count, quote, and
# the reason of an editor's correction.
_DETAILS_QUERY = """
SELECT DISTINCT ?fact ?name ?value WHERE {
  VALUES ?class { cg:Membership cg:Investigation cg:Allegation cg:Outcome cg:Statement }
  ?fact a ?class .
  { ?fact cg:role ?value BIND("role" AS ?name) }
  UNION { ?fact rdfs:label ?value BIND("label" AS ?name) }
  UNION { ?fact cg:outcomeType/skos:notation ?value BIND("outcome" AS ?name) }
  UNION { ?fact cg:count ?value BIND("count" AS ?name) }
  UNION { ?fact cg:quote ?value BIND("quote" AS ?name) }
  UNION { ?fact cg:correctedBy/rdfs:comment ?value BIND("corrected" AS ?name) }
}
"""

_EVIDENCE_QUERY = """
SELECT DISTINCT ?fact ?doc ?begin ?end ?text ?title ?source WHERE {
  VALUES ?class { cg:Membership cg:Investigation cg:Allegation cg:Outcome cg:Statement }
  ?fact a ?class ; prov:wasDerivedFrom ?sentence .
  ?sentence nif:anchorOf ?text ; nif:beginIndex ?begin ; nif:endIndex ?end ;
            nif:referenceContext ?doc .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:source ?source }
}
"""

# The documents whose graph types each entity (an entity is hidden with all its documents).
_ENTITY_DOCUMENTS_QUERY = """
SELECT DISTINCT ?entity ?doc WHERE {
  VALUES ?type { cg:Organisation cg:Person cg:Group cg:Place }
  GRAPH ?doc { ?entity a ?type . ?doc a cg:Document }
}
"""

_DOCUMENTS_QUERY = """
SELECT DISTINCT ?doc ?title ?source WHERE {
  ?doc a cg:Document .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:source ?source }
}
"""

# One document's text, read one document at a time (a corpus's texts never all in memory).
_TEXT_QUERY = "SELECT DISTINCT ?text WHERE {{ <{doc}> nif:isString ?text }}"

# Paragraphs are separated by a blank line (whitespace only between two line breaks).
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

_CG = "https://w3id.org/casegraph/ontology#"


def _value(solution: Any, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def _family(kind: str) -> str:
    """The edge family (a key of :data:`EDGE_STYLES`) of an ``entity_graph`` edge kind."""
    return EDGE_FAMILIES.get(kind, "outcome")


def _component_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions of one connected component, about 1.3 units apart, top-left corner at (0, 0)."""
    import networkx as nx

    n = graph.number_of_nodes()
    if n == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if n <= 150:  # Kamada-Kawai starts from a circle: deterministic, and even spacing
        placed = nx.kamada_kawai_layout(graph)
    else:
        placed = nx.spring_layout(graph, seed=7, k=1.5 / n**0.5, iterations=200)
    placed = nx.rescale_layout_dict(placed, scale=0.65 * n**0.5 + 0.35)
    left = min(float(x) for x, _ in placed.values())
    top = max(float(y) for _, y in placed.values())
    # y up in networkx, down on the page
    return {node: (float(x) - left, top - float(y)) for node, (x, y) in placed.items()}


def _positions(graph: nx.MultiDiGraph, unit: float = 120.0) -> dict[str, tuple[float, float]]:
    """Deterministic positions in pixels: each connected component laid out alone, then packed.

    One force layout of the whole graph would push small components and loners far out and squeeze
    the main component, so each component gets its own box, largest first, packed in rows.
    """
    import networkx as nx

    # Plain Graphs built in sorted order: a subgraph view iterates over a set, in an order that
    # changes with PYTHONHASHSEED, and so would the layout.
    pairs = sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v})
    whole = nx.Graph()
    whole.add_nodes_from(sorted(graph))
    whole.add_edges_from(pairs)
    parts = sorted(
        (sorted(part) for part in nx.connected_components(whole)),
        key=lambda part: (-len(part), part[0]),
    )
    boxes = []
    for part in parts:
        members = set(part)
        component = nx.Graph()
        component.add_nodes_from(part)
        component.add_edges_from(pair for pair in pairs if pair[0] in members)
        boxes.append(_component_layout(component))
    sizes = [(max(x for x, _ in box.values()), max(y for _, y in box.values())) for box in boxes]
    gap = 1.2
    row_width = max(
        [sizes[0][0] if sizes else 0.0, sum((w + gap) * (h + gap) for w, h in sizes) ** 0.5 * 1.3]
    )
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for box, (width, height) in zip(boxes, sizes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for node, (bx, by) in box.items():
            positions[node] = (x + bx, y + by)
        x += width + gap
        row_height = max(row_height, height)
    return {
        node: (round(px * unit, 1) + 0.0, round(py * unit, 1) + 0.0)
        for node, (px, py) in positions.items()
    }


def _summary(
    kind: str,
    roles: dict[str, list[str]],
    details: dict[str, list[str]],
    label: Callable[[str], str],
) -> str:
    """One line that says what a fact states, in terms of entity labels; an editor's
    correction (graph/correct.py) is named at the end with its reason."""
    corrected = details.get("corrected")
    line = _statement(kind, roles, details, label)
    return f"{line} [corrected: {'; '.join(corrected)}]" if corrected else line


def _statement(
    kind: str,
    roles: dict[str, list[str]],
    details: dict[str, list[str]],
    label: Callable[[str], str],
) -> str:

    def names(role: str) -> str:
        return ", ".join(label(entity) for entity in roles.get(role, [])) or "?"

    def detail(name: str) -> str:
        return "; ".join(details.get(name, []))

    count = f" ({detail('count')})" if details.get("count") else ""
    if kind == "Membership":
        role = f"{detail('role')} at" if details.get("role") else "member of"
        return f"{names('member')}: {role} {names('organisation')}"
    if kind == "Investigation":
        return f"{names('investigator')} investigated {names('subject')}"
    if kind == "Allegation":
        text = f"Allegation against {names('against')}{count}"
        if details.get("label"):
            text += f": {detail('label')}"
        if roles.get("made by"):
            text += f"; made by {names('made by')}"
        return text
    if kind == "Outcome":
        text = f"Outcome {detail('outcome') or '?'}{count} for {names('applies to')}"
        if roles.get("decided by"):
            text += f"; decided by {names('decided by')}"
        return text
    return f"Statement by {names('said by')}"


def _window(
    text: str, breaks: list[tuple[int, int]], begin: int, end: int, reach: int
) -> dict[str, Any]:
    r"""The passage of ``text`` shown around the sentence at ``begin:end``.

    It holds the sentence's paragraph and the whole paragraphs around it that end no more than
    ``reach`` characters before the sentence or begin no more than ``reach`` after it. When the
    sentence's own paragraph reaches further, it is cut there (at a line break, else a space),
    and ``cutBefore`` or ``cutAfter`` says so. ``breaks`` are the ``(start, end)`` of the
    paragraph breaks of ``text`` (blank lines), in order.

    >>> text = "Title\n\nOne. Two three.\nFour.\n\nNext."
    >>> breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)]
    >>> window = _window(text, breaks, 12, 22, 8)
    >>> text[window["begin"] : window["end"]], window["cutBefore"], window["cutAfter"]
    ('One. Two three.\nFour.', False, False)
    >>> window = _window(text, breaks, 12, 22, 100)
    >>> text[window["begin"] : window["end"]] == text
    True
    >>> window = _window(text, breaks, 12, 22, 3)
    >>> text[window["begin"] : window["end"]], window["cutBefore"], window["cutAfter"]
    ('Two three.', True, True)
    """
    starts = [0, *(stop for _, stop in breaks)]  # where each paragraph begins
    ends = [*(start for start, _ in breaks), len(text)]  # and ends
    own_start = starts[bisect.bisect_right(starts, begin) - 1]
    own_end = ends[min(bisect.bisect_left(ends, end), len(ends) - 1)]
    if begin - own_start > reach:  # cut the sentence's paragraph
        lower = begin - reach
        cut = text.find("\n", lower, begin)
        if cut < 0:
            cut = next((i for i in range(lower, begin) if text[i].isspace()), lower - 1)
        start = cut + 1
    else:  # the first paragraph that begins within reach
        start = starts[bisect.bisect_left(starts, begin - reach)]
    if own_end - end > reach:
        upper = end + reach
        cut = text.rfind("\n", end, upper)
        if cut < 0:
            cut = next((i for i in range(upper - 1, end - 1, -1) if text[i].isspace()), upper)
        stop = cut
    else:  # the last paragraph that ends within reach
        stop = ends[bisect.bisect_right(ends, end + reach) - 1]
    return {
        "begin": min(start, begin),
        "end": max(stop, end),
        "cutBefore": start > own_start,
        "cutAfter": stop < own_end,
    }


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ``(begin, end)`` ranges merged, in order.

    >>> _merge([(5, 9), (0, 3), (3, 4), (8, 12)])
    [(0, 4), (5, 12)]
    """
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(windows):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _passages(
    store: CaseStore, facts: dict[str, dict[str, Any]], reach: int
) -> dict[str, list[dict[str, Any]]]:
    """Give each evidence of ``facts`` its ``window`` (or None and a ``note`` saying why) and
    return, for each document cited, the ``spans`` of its text that the windows need.

    The document's text is read from the store (``nif:isString``), one document at a time. A
    window is given only when the text at the sentence's offsets is the sentence, so the page
    highlights exactly the characters the offsets name.
    """
    cited: dict[str, list[dict[str, Any]]] = {}
    for fact in facts.values():
        for evidence in fact["evidence"]:
            evidence["window"], evidence["note"] = None, ""
            cited.setdefault(evidence["doc"], []).append(evidence)
    spans: dict[str, list[dict[str, Any]]] = {}
    if reach <= 0:
        return spans
    for doc, evidences in sorted(cited.items()):
        texts = sorted(
            _value(solution, "text") for solution in store.query(_TEXT_QUERY.format(doc=doc))
        )
        if not texts:
            for evidence in evidences:
                evidence["note"] = "The text of this document is not in the store."
            continue
        text = texts[0]
        breaks = [(match.start(), match.end()) for match in _PARAGRAPH_BREAK.finditer(text)]
        windows = []
        for evidence in evidences:
            begin, end = evidence["begin"], evidence["end"]
            if not (0 <= begin < end <= len(text)) or text[begin:end] != evidence["text"]:
                evidence["note"] = (
                    "The document's text at these offsets is not this sentence; "
                    "check the document itself."
                )
                continue
            evidence["window"] = _window(text, breaks, begin, end, reach)
            windows.append((evidence["window"]["begin"], evidence["window"]["end"]))
        spans[doc] = [{"begin": b, "text": text[b:e]} for b, e in _merge(windows)]
    return spans


def html_data(store: CaseStore, *, context: int = CONTEXT_CHARS) -> dict[str, Any]:
    """Read the entity graph of a store, with the facts and sentences behind it, as JSON data.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    context
        Characters of the document's text to include on each side of each cited sentence, at
        most, within its paragraph; 0 includes no document text (the sentences only).

    Returns
    -------
    dict
        ``nodes``: one per node of :func:`graph.draw.entity_graph` (entities, and the
        allegations and outcomes it adds as nodes), sorted by IRI, with ``id``, ``label``,
        ``altLabels`` (other names), ``type``, ``outcomes``, ``docs`` (the documents that name
        the entity, or that state the fact) and ``position`` (``x``, ``y`` in pixels, seeded).
        ``edges``: one per edge of that graph, with ``id`` (``e0``, ``e1`` ...), ``source``,
        ``target``, ``fact`` (the fact IRI), ``kind``, ``family`` (a key of
        :data:`EDGE_STYLES`) and ``label``. ``facts``: fact IRI → ``class``, ``summary``,
        ``participants`` (``[role, entity IRI]`` pairs) and ``evidence`` (``doc``, ``title``,
        ``source``, ``begin``, ``end``, ``text`` of each source sentence, and ``window``: the
        ``begin`` and ``end`` of the passage shown around it, with ``cutBefore`` and
        ``cutAfter`` when it is less than the paragraph, or None with a ``note`` saying why).
        ``entityFacts``: entity or fact node IRI → the IRIs of the facts that name it (a fact
        node: itself first), in class then summary order. ``documents``: document IRI →
        ``title``, ``source``, ``facts`` (how many facts cite it) and ``spans`` (``begin``,
        ``text``: the parts of its text the windows need, in order), for every document that
        names a node or that a fact cites. Offsets count characters (code points) of the text.
    """
    from graph.draw import entity_graph

    graph = entity_graph(store)
    entities = set(graph.nodes)

    def label(entity: str) -> str:
        return graph.nodes[entity].get("label") or entity

    classes: dict[str, str] = {}
    roles: dict[str, dict[str, set[str]]] = {}
    for solution in store.query(_PARTICIPANTS_QUERY):
        fact, entity = _value(solution, "fact"), _value(solution, "entity")
        if entity in entities or fact in entities:
            classes[fact] = _value(solution, "class").removeprefix(_CG)
            roles.setdefault(fact, {})
        if entity in entities:  # else not a typed entity, hence not in the graph
            roles[fact].setdefault(_value(solution, "role"), set()).add(entity)

    details: dict[str, dict[str, set[str]]] = {}
    for solution in store.query(_DETAILS_QUERY):
        fact = _value(solution, "fact")
        if fact in classes:
            details.setdefault(fact, {}).setdefault(_value(solution, "name"), set()).add(
                _value(solution, "value")
            )

    evidence: dict[str, set[tuple[str, int, int, str, str, str]]] = {}
    for solution in store.query(_EVIDENCE_QUERY):
        fact = _value(solution, "fact")
        if fact in classes:
            evidence.setdefault(fact, set()).add(
                (
                    _value(solution, "doc"),
                    int(_value(solution, "begin")),
                    int(_value(solution, "end")),
                    _value(solution, "text"),
                    _value(solution, "title") or "",
                    _value(solution, "source") or "",
                )
            )

    facts: dict[str, dict[str, Any]] = {}
    entity_facts: dict[str, list[str]] = {entity: [] for entity in sorted(entities)}
    for fact in sorted(classes):
        fact_roles = {
            role: sorted(members, key=lambda entity: (label(entity), entity))
            for role, members in roles[fact].items()
        }
        fact_details = {name: sorted(values) for name, values in details.get(fact, {}).items()}
        facts[fact] = {
            "class": classes[fact],
            "summary": _summary(classes[fact], fact_roles, fact_details, label),
            "participants": sorted(
                [role, entity] for role, members in fact_roles.items() for entity in members
            ),
            "evidence": [
                {"doc": doc, "begin": b, "end": e, "text": t, "title": title, "source": source}
                for doc, b, e, t, title, source in sorted(evidence.get(fact, ()))
            ],
        }
        named = {entity for members in fact_roles.values() for entity in members}
        for entity in sorted(named | ({fact} & entities)):
            entity_facts[entity].append(fact)
    for node, listed in entity_facts.items():
        listed.sort(
            key=lambda fact: (
                fact != node,
                FACT_CLASSES.index(facts[fact]["class"]),
                facts[fact]["summary"],
            )
        )

    spans = _passages(store, facts, context)
    node_docs: dict[str, set[str]] = {node: set() for node in entities}
    for solution in store.query(_ENTITY_DOCUMENTS_QUERY):
        entity = _value(solution, "entity")
        if entity in node_docs:
            node_docs[entity].add(_value(solution, "doc"))
    for fact, record in facts.items():
        if fact in node_docs:
            node_docs[fact].update(evidence["doc"] for evidence in record["evidence"])
    cited: dict[str, int] = {}
    for record in facts.values():
        for doc in {evidence["doc"] for evidence in record["evidence"]}:
            cited[doc] = cited.get(doc, 0) + 1
    named = set(cited).union(*node_docs.values())
    documents: dict[str, dict[str, Any]] = {}
    for solution in store.query(_DOCUMENTS_QUERY):
        doc = _value(solution, "doc")
        if doc in named:
            entry = {
                "title": _value(solution, "title") or "",
                "source": _value(solution, "source") or "",
                "facts": cited.get(doc, 0),
                "spans": spans.get(doc, []),
            }
            # One title per document; should two graphs disagree, keep the smallest.
            if doc not in documents or (entry["title"], entry["source"]) < (
                documents[doc]["title"],
                documents[doc]["source"],
            ):
                documents[doc] = entry
    for doc in sorted(named - set(documents)):  # cited, but not typed cg:Document
        documents[doc] = {"title": "", "source": "", "facts": cited.get(doc, 0), "spans": []}

    positions = _positions(graph)
    nodes = [
        {
            "id": node,
            "label": data.get("label") or data.get("type") or node,
            "altLabels": list(data.get("alt_labels", [])),
            "type": data.get("type", ""),
            "outcomes": list(data.get("outcomes", [])),
            "docs": sorted(node_docs[node]),
            "position": {"x": positions[node][0], "y": positions[node][1]},
        }
        for node, data in sorted(graph.nodes(data=True))
    ]
    edges = [
        {
            "id": f"e{i}",
            "source": source,
            "target": target,
            "fact": fact,
            "kind": data.get("kind", ""),
            "family": _family(data.get("kind", "")),
            "label": data.get("label") or data.get("kind", ""),
        }
        for i, (source, target, fact, data) in enumerate(
            sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[:3])
        )
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "facts": facts,
        "entityFacts": entity_facts,
        "documents": dict(sorted(documents.items())),
    }


def _script_json(data: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes.

    So no text in the data can close the script element (``</script>``) or open an HTML comment.

    >>> _script_json({"a": "</script><!--"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _library() -> str:
    path = _STATIC / _LIBRARY
    try:
        script = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CasegraphError(
            f"Cannot write HTML: '{path}' cannot be read ({error.strerror}); reinstall casegraph"
        ) from None
    if "</script" in script.lower():  # cannot happen with the vendored file; keep the page whole
        raise CasegraphError(f"Cannot write HTML: '{path}' contains '</script'")
    return script


def _render(**context: Any) -> str:
    """The page template (``graph/templates/view.html``) rendered with ``context``."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        return environment.get_template(_TEMPLATE).render(**context)
    except jinja2.TemplateNotFound as error:
        raise CasegraphError(
            f"Cannot write HTML: template '{error.name}' not found in '{_TEMPLATES}'; "
            "reinstall casegraph"
        ) from None
    except jinja2.TemplateError as error:
        raise CasegraphError(f"Cannot write HTML: template {_TEMPLATE}: {error}") from None


def html_page(store: CaseStore, title: str = "casegraph", *, context: int = CONTEXT_CHARS) -> str:
    """The interactive HTML page of a store's entity graph, as text.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    title
        The page title, shown in the header too.
    context
        Characters of document text shown around each cited sentence, at most (see
        :func:`html_data`); 0 puts no document text in the page.

    Returns
    -------
    str
        A complete HTML document; every script and style is inline and it loads nothing else.

    Raises
    ------
    CasegraphError
        When the vendored Cytoscape.js file or the page template is missing (a broken
        installation).
    """
    data = html_data(store, context=context)
    config = {
        # Lists, not objects: the legend keeps this order, and the JSON keys are sorted.
        "nodeStyles": [
            {"type": kind, "colour": colour, "shape": NODE_SHAPES.get(marker, "ellipse")}
            for kind, (colour, marker) in NODE_STYLES.items()
        ],
        "edgeStyles": [
            {
                "family": family,
                "colour": colour,
                "line": line,
                "kinds": [kind for kind, of in EDGE_FAMILIES.items() if of == family],
            }
            for family, (colour, line) in EDGE_STYLES.items()
        ],
        "entityTypes": list(ENTITY_TYPES),
        "factClasses": [
            {"class": name, "family": CLASS_FAMILIES.get(name), "node": name in FACT_TYPES}
            for name in FACT_CLASSES
        ],
        "minLabelPixels": MIN_LABEL_PIXELS,
        "highlight": HIGHLIGHT,
    }
    page = _render(
        title=title,
        config=_script_json(config),
        data=_script_json(data),
        library=_library(),
    )
    # Every script is one of the template's four; nothing inserted can open or close one.
    if page.lower().count("</script") != 4:  # pragma: no cover - a broken template
        raise CasegraphError(f"Cannot write HTML: template {_TEMPLATE} must hold 4 scripts")
    return page


def write_html(
    store: CaseStore, path: str | Path, title: str = "casegraph", *, context: int = CONTEXT_CHARS
) -> Path:
    """Write the interactive HTML page of a store's entity graph (see :func:`html_page`).

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    path
        The file to write, UTF-8.
    title
        The page title.
    context
        Characters of document text shown around each cited sentence, at most.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    CasegraphError
        When the folder does not exist or the file cannot be written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise CasegraphError(f"Cannot write {str(path)!r}: folder {str(path.parent)!r} not found")
    page = html_page(store, title=title, context=context)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise CasegraphError(f"Cannot write {str(path)!r}: {error.strerror}") from None
    return path
