"""An interactive HTML view of the entity graph: one self-contained file, no network needed.

:func:`html_data` reads the store into JSON-ready data: the nodes and edges of
:func:`graph.draw.entity_graph` (entities, and the allegations and outcomes it adds as nodes), laid
out by a deterministic networkx layout, and every fact about each node with the sentences it was
derived from (document, character offsets, text). :func:`html_page` turns that data into one HTML
page with the vendored Cytoscape.js (``graph/static/``) and all scripts and styles inlined;
:func:`write_html` writes it to a file.

In the page, drag to pan, scroll to zoom, and click a node (or an edge) to list its facts and their
source sentences in the side panel. ``page.html?select=<node IRI>`` opens with that node selected,
as a click on it would; ``page.html?fact=<fact IRI>`` as a click on that fact's edge would. The
``<body>`` gets ``data-rendered`` (the number of nodes Cytoscape holds), ``data-edges`` and
``data-selected`` attributes, which the tests read from the DOM.

The same store always gives the same bytes: everything is sorted, the layout is seeded and the
page holds no date. networkx is imported inside the functions.

Examples
--------
>>> from graph.store import CaseStore
>>> with CaseStore.open(None) as store:
...     page = html_page(store)
>>> page.startswith("<!DOCTYPE html>"), page.count("<script"), page.count("</script>")
(True, 4, 4)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.draw import NODE_STYLES
from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx

    from graph.store import CaseStore

__all__ = ["EDGE_FAMILIES", "EDGE_STYLES", "NODE_SHAPES", "html_data", "html_page", "write_html"]

_STATIC = Path(__file__).resolve().parent / "static"
_LIBRARY = "cytoscape.min.js"

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

# Literal details of a fact: role as worded, allegation label, outcome type, count, quote.
_DETAILS_QUERY = """
SELECT DISTINCT ?fact ?name ?value WHERE {
  VALUES ?class { cg:Membership cg:Investigation cg:Allegation cg:Outcome cg:Statement }
  ?fact a ?class .
  { ?fact cg:role ?value BIND("role" AS ?name) }
  UNION { ?fact rdfs:label ?value BIND("label" AS ?name) }
  UNION { ?fact cg:outcomeType/skos:notation ?value BIND("outcome" AS ?name) }
  UNION { ?fact cg:count ?value BIND("count" AS ?name) }
  UNION { ?fact cg:quote ?value BIND("quote" AS ?name) }
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

_CLASS_ORDER = ("Membership", "Investigation", "Allegation", "Outcome", "Statement")
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
    """One line that says what a fact states, in terms of entity labels."""

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


def html_data(store: CaseStore) -> dict[str, Any]:
    """Read the entity graph of a store, with the facts and sentences behind it, as JSON data.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.

    Returns
    -------
    dict
        ``nodes``: one per node of :func:`graph.draw.entity_graph` (entities, and the
        allegations and outcomes it adds as nodes), sorted by IRI, with ``id``, ``label``,
        ``type``, ``outcomes`` and ``position`` (``x``, ``y`` in pixels, seeded).
        ``edges``: one per edge of that graph, with ``id`` (``e0``, ``e1`` ...), ``source``,
        ``target``, ``fact`` (the fact IRI), ``kind``, ``family`` (a key of
        :data:`EDGE_STYLES`) and ``label``. ``facts``: fact IRI → ``class``, ``summary``,
        ``participants`` (``[role, entity IRI]`` pairs) and ``evidence`` (``doc``, ``title``,
        ``source``, ``begin``, ``end``, ``text`` of each source sentence). ``entityFacts``: entity
        or fact node IRI → the IRIs of the facts that name it (a fact node: itself first), in
        class then summary order.
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
                _CLASS_ORDER.index(facts[fact]["class"]),
                facts[fact]["summary"],
            )
        )

    positions = _positions(graph)
    nodes = [
        {
            "id": node,
            "label": data.get("label") or data.get("type") or node,
            "type": data.get("type", ""),
            "outcomes": list(data.get("outcomes", [])),
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
    return {"nodes": nodes, "edges": edges, "facts": facts, "entityFacts": entity_facts}


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


def html_page(store: CaseStore, title: str = "casegraph") -> str:
    """The interactive HTML page of a store's entity graph, as text.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    title
        The page title, shown in the header too.

    Returns
    -------
    str
        A complete HTML document; every script and style is inline and it loads nothing else.

    Raises
    ------
    CasegraphError
        When the vendored Cytoscape.js file is missing (a broken installation).
    """
    data = html_data(store)
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
    }
    parts = {
        "TITLE": html.escape(title),
        "STYLE": _STYLE,
        "LIBRARY": _library(),
        "CONFIG": _script_json(config),
        "DATA": _script_json(data),
        "APP": _APP,
    }
    # One pass: text inserted for one placeholder is never searched for another.
    return re.sub(r"@([A-Z]+)@", lambda match: parts[match.group(1)], _PAGE)


def write_html(store: CaseStore, path: str | Path, title: str = "casegraph") -> Path:
    """Write the interactive HTML page of a store's entity graph (see :func:`html_page`).

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    path
        The file to write, UTF-8.
    title
        The page title.

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
    page = html_page(store, title=title)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise CasegraphError(f"Cannot write {str(path)!r}: {error.strerror}") from None
    return path


# -- the page --------------------------------------------------------------------------------
# @NAME@ placeholders, filled in one pass by html_page.

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>@TITLE@</title>
<style>@STYLE@</style>
</head>
<body>
<header>
  <h1>@TITLE@</h1>
  <span id="counts"></span>
  <span class="help">Drag to pan, scroll to zoom, click a node or an edge for its facts.</span>
  <button type="button" id="fit">Fit</button>
</header>
<main>
  <div id="graph"><div id="cy"></div><div id="empty" hidden>No entities in this store.</div></div>
  <aside id="side"><div id="legend"></div><div id="panel"><p class="hint">Click a node to see its \
facts and the sentences they come from.</p></div></aside>
</main>
<script id="casegraph-config" type="application/json">@CONFIG@</script>
<script id="casegraph-data" type="application/json">@DATA@</script>
<script>@LIBRARY@</script>
<script>@APP@</script>
</body>
</html>
"""

_STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 14px/1.4 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; background: #fff; }
header { display: flex; align-items: baseline; gap: 1em; padding: .4em 1em;
  border-bottom: 1px solid #ddd; background: #f7f7f7; }
header h1 { font-size: 1.1em; margin: 0; }
header .help { color: #666; font-size: .9em; flex: 1; }
main { flex: 1; display: flex; min-height: 0; }
#graph { position: relative; flex: 1; min-width: 0; }
#cy { position: absolute; inset: 0; }
#empty { position: absolute; top: 40%; width: 100%; text-align: center; color: #666; }
#legend { border-bottom: 1px solid #ddd; padding: .2em 0 .5em; font-size: 12px; }
#legend h2 { font-size: 12px; margin: .3em 0 .2em; }
#legend .types { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1em; }
#legend .types div, #legend .families div { display: flex; align-items: center; gap: .4em; }
#side { width: 400px; max-width: 45%; overflow: auto; border-left: 1px solid #ddd;
  padding: .4em 1em; background: #fcfcfc; }
#panel h2 { font-size: 1.15em; margin: .2em 0; }
#panel .type { display: inline-block; color: #fff; border-radius: 3px; padding: 0 .4em;
  font-size: .85em; }
#panel .iri { font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: .8em; color: #555; word-break: break-all; }
#panel .where { font-size: .82em; color: #555; overflow-wrap: anywhere; }
#panel ul.facts { list-style: none; padding: 0; }
#panel li.fact { border-top: 1px solid #e4e4e4; padding: .5em 0; }
#panel .summary { font-weight: 600; }
#panel .class { color: #666; font-size: .8em; text-transform: uppercase; letter-spacing: .03em; }
#panel blockquote { margin: .3em 0 .1em; padding: .2em .6em; border-left: 3px solid #bbb;
  background: #fff; }
#panel button.entity { border: none; background: none; color: #0b5cad; padding: 0;
  cursor: pointer; font: inherit; text-decoration: underline; }
.hint { color: #666; }
"""

_APP = r"""
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("casegraph-config").textContent);
  var data = JSON.parse(document.getElementById("casegraph-data").textContent);
  var body = document.body;
  var panel = document.getElementById("panel");
  var nodesById = {};
  data.nodes.forEach(function (n) { nodesById[n.id] = n; });
  var nodeStyles = {};
  config.nodeStyles.forEach(function (s) { nodeStyles[s.type] = s; });
  var edgeStyles = {};
  config.edgeStyles.forEach(function (s) { edgeStyles[s.family] = s; });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function shapeIcon(shape, colour, line) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "14");
    var item;
    if (line) {
      item = document.createElementNS(ns, "line");
      item.setAttribute("x1", "1"); item.setAttribute("y1", "7");
      item.setAttribute("x2", "21"); item.setAttribute("y2", "7");
      item.setAttribute("stroke", colour); item.setAttribute("stroke-width", "2.5");
      if (line === "dashed") { item.setAttribute("stroke-dasharray", "5 3"); }
      if (line === "dotted") { item.setAttribute("stroke-dasharray", "2 2"); }
    } else {
      var points = {
        "round-rectangle": "5,1 17,1 17,13 5,13", "ellipse": null,
        "triangle": "11,1 18,13 4,13", "diamond": "11,0 18,7 11,14 4,7",
        "vee": "4,1 11,5 18,1 11,13", "hexagon": "7,1 15,1 19,7 15,13 7,13 3,7"
      }[shape];
      if (points) {
        item = document.createElementNS(ns, "polygon");
        item.setAttribute("points", points);
      } else {
        item = document.createElementNS(ns, "circle");
        item.setAttribute("cx", "11"); item.setAttribute("cy", "7"); item.setAttribute("r", "6");
      }
      item.setAttribute("fill", colour); item.setAttribute("stroke", "#222");
    }
    svg.appendChild(item);
    return svg;
  }

  function legend() {
    var box = document.getElementById("legend");
    var counts = {};
    data.nodes.forEach(function (n) { counts[n.type] = (counts[n.type] || 0) + 1; });
    box.appendChild(el("h2", {}, "Nodes"));
    var types = el("div", {"class": "types"});
    box.appendChild(types);
    config.nodeStyles.forEach(function (style) {
      var type = style.type;
      var row = el("div", {"data-type": type});
      row.appendChild(shapeIcon(style.shape, style.colour));
      row.appendChild(el("span", {}, type + " (" + (counts[type] || 0) + ")"));
      types.appendChild(row);
    });
    box.appendChild(el("h2", {}, "Edges"));
    var families = el("div", {"class": "families"});
    box.appendChild(families);
    config.edgeStyles.forEach(function (style) {
      var family = style.family;
      var row = el("div", {"data-family": family});
      row.appendChild(shapeIcon(null, style.colour, style.line));
      var kinds = style.kinds.filter(function (k) { return k !== family; });
      row.appendChild(el("span", {}, family + (kinds.length ? ": " + kinds.join(", ") : "")));
      families.appendChild(row);
    });
  }

  function evidenceItem(evidence) {
    var item = el("div", {"class": "evidence"});
    item.appendChild(el("blockquote", {}, evidence.text));
    var name = evidence.title ? "\u201c" + evidence.title + "\u201d" : evidence.source;
    var where = "Document " + evidence.doc + (name ? " (" + name + ")" : "") +
      ", characters " + evidence.begin + "\u2013" + evidence.end;
    item.appendChild(el("div", {"class": "where"}, where));
    return item;
  }

  function factItem(iri, current) {
    var fact = data.facts[iri];
    var li = el("li", {"class": "fact", "data-fact": iri});
    li.appendChild(el("div", {"class": "class"}, fact["class"]));
    li.appendChild(el("div", {"class": "summary"}, fact.summary));
    var others = fact.participants.filter(function (p) { return p[1] !== current; });
    if (others.length) {
      var line = el("div", {"class": "participants"});
      others.forEach(function (p, i) {
        if (i) { line.appendChild(document.createTextNode(", ")); }
        line.appendChild(document.createTextNode(p[0] + ": "));
        var button = el("button", {"type": "button", "class": "entity"},
          nodesById[p[1]] ? nodesById[p[1]].label : p[1]);
        button.addEventListener("click", function () { select(p[1]); });
        line.appendChild(button);
      });
      li.appendChild(line);
    }
    if (fact.evidence.length) {
      fact.evidence.forEach(function (e) { li.appendChild(evidenceItem(e)); });
    } else {
      li.appendChild(el("div", {"class": "hint"}, "No source sentence recorded."));
    }
    li.appendChild(el("div", {"class": "iri"}, iri));
    return li;
  }

  function clearPanel() { while (panel.firstChild) { panel.removeChild(panel.firstChild); } }

  function showEntity(id) {
    clearPanel();
    var node = nodesById[id];
    if (!node) {
      panel.appendChild(el("p", {"class": "hint"}, "No entity " + id + " in this graph."));
      return false;
    }
    panel.appendChild(el("h2", {}, node.label));
    var style = nodeStyles[node.type] || {colour: "#999"};
    var badge = el("span", {"class": "type"}, node.type);
    badge.style.background = style.colour;
    panel.appendChild(badge);
    panel.appendChild(el("div", {"class": "iri"}, node.id));
    if (node.outcomes.length) {
      panel.appendChild(el("p", {"class": "outcomes"}, "Outcomes: " + node.outcomes.join(", ")));
    }
    var facts = data.entityFacts[id] || [];
    panel.appendChild(el("h3", {}, facts.length + (facts.length === 1 ? " fact" : " facts")));
    var list = el("ul", {"class": "facts"});
    facts.forEach(function (iri) { list.appendChild(factItem(iri, id)); });
    panel.appendChild(list);
    return true;
  }

  function showFact(iri) {
    clearPanel();
    if (!data.facts[iri]) {
      panel.appendChild(el("p", {"class": "hint"}, "No fact " + iri + " in this graph."));
      return false;
    }
    panel.appendChild(el("h2", {}, "Fact"));
    var list = el("ul", {"class": "facts"});
    list.appendChild(factItem(iri, null));
    panel.appendChild(list);
    return true;
  }

  legend();
  document.getElementById("counts").textContent = data.nodes.length + " nodes, " +
    data.edges.length + " edges, " + Object.keys(data.facts).length + " facts";
  if (!data.nodes.length) { document.getElementById("empty").hidden = false; }

  var nodeStyle = function (type, key, fallback) {
    var style = nodeStyles[type];
    return style ? style[key] : fallback;
  };
  var edgeStyle = function (family, key) { return edgeStyles[family][key]; };

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: {
      nodes: data.nodes.map(function (n) {
        var text = n.label.length > 80 ? n.label.slice(0, 77) + "\u2026" : n.label;
        return {data: {id: n.id, label: text, type: n.type}, position: n.position};
      }),
      edges: data.edges.map(function (e) {
        return {data: {id: e.id, source: e.source, target: e.target, label: e.label,
                       family: e.family, fact: e.fact}};
      })
    },
    layout: {name: "preset", fit: true, padding: 40},
    minZoom: 0.1, maxZoom: 4, wheelSensitivity: 0.3,
    style: [
      {selector: "node", style: {
        "label": "data(label)", "width": 32, "height": 32,
        "background-color": function (n) { return nodeStyle(n.data("type"), "colour", "#999"); },
        "shape": function (n) { return nodeStyle(n.data("type"), "shape", "ellipse"); },
        "border-width": 1, "border-color": "#222",
        "font-size": 13, "color": "#222", "text-valign": "bottom", "text-margin-y": 4,
        "text-wrap": "wrap", "text-max-width": 130,
        "text-background-color": "#fff", "text-background-opacity": 0.8,
        "text-background-padding": 1}},
      {selector: "edge", style: {
        "label": "data(label)", "width": 1.6, "curve-style": "bezier",
        "control-point-step-size": 48,
        "line-color": function (e) { return edgeStyle(e.data("family"), "colour"); },
        "line-style": function (e) { return edgeStyle(e.data("family"), "line"); },
        "target-arrow-shape": "triangle", "arrow-scale": 1.1,
        "target-arrow-color": function (e) { return edgeStyle(e.data("family"), "colour"); },
        "font-size": 11, "color": "#333", "text-background-color": "#fff",
        "text-background-opacity": 0.85, "text-background-padding": 1}},
      {selector: ".faded", style: {"opacity": 0.2}},
      {selector: "node:selected", style: {"border-width": 4, "border-color": "#000"}},
      {selector: "edge:selected", style: {"width": 3.5}}
    ]
  });

  function highlight(elements) {
    cy.elements().addClass("faded");
    elements.removeClass("faded");
  }

  function select(id) {
    var found = showEntity(id);
    cy.elements().unselect();
    if (found) {
      var node = cy.getElementById(id);
      node.select();
      highlight(node.closedNeighborhood());
      body.dataset.selected = id;
    } else {
      cy.elements().removeClass("faded");
      body.dataset.selected = "";
    }
    return found;
  }
  window.casegraphSelect = select;

  cy.on("tap", "node", function (event) { select(event.target.id()); });
  function selectFact(iri) {
    var found = showFact(iri);
    cy.elements().unselect();
    var edges = cy.edges().filter(function (e) { return e.data("fact") === iri; });
    if (found) { highlight(edges.union(edges.connectedNodes())); }
    body.dataset.selected = found ? iri : "";
    return found;
  }
  window.casegraphSelectFact = selectFact;

  cy.on("tap", "edge", function (event) { selectFact(event.target.data("fact")); });
  cy.on("tap", function (event) {
    if (event.target === cy) { cy.elements().removeClass("faded"); }
  });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(null, 40); });

  cy.ready(function () {
    body.dataset.rendered = String(cy.nodes().length);
    body.dataset.edges = String(cy.edges().length);
    var query = new URLSearchParams(window.location.search);
    if (query.get("select")) { select(query.get("select")); }
    if (query.get("fact")) { selectFact(query.get("fact")); }
  });
})();
"""
