// {% raw %} The script of the interactive view (graph/html.py), inlined in the page; Jinja2
// copies everything from here to the endraw tag at the end as it is. Plain JavaScript: every text
// of the data goes into the page as text (textContent), never as markup.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("casegraph-config").textContent);
  var data = JSON.parse(document.getElementById("casegraph-data").textContent);
  var body = document.body;
  var panel = document.getElementById("panel");
  var searchInput = document.getElementById("search");
  var searchBox = document.getElementById("search-results");

  var nodesById = {};
  data.nodes.forEach(function (n) { nodesById[n.id] = n; });
  var nodeStyles = {};
  config.nodeStyles.forEach(function (s) { nodeStyles[s.type] = s; });
  var edgeStyles = {};
  config.edgeStyles.forEach(function (s) { edgeStyles[s.family] = s; });
  var factClasses = config.factClasses.map(function (c) { return c["class"]; });
  var filterNames = config.entityTypes.concat(factClasses);
  var docIds = Object.keys(data.documents).sort();

  // What the filters hide (entity types and fact classes; documents), and what is selected.
  var hidden = {};
  var hiddenDocs = {};
  var selected = null;  // {id: IRI, kind: "node" or "fact"}
  var searchMatches = [];
  var activeResult = -1;
  var loading = true;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function textNode(text) { return document.createTextNode(text); }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // -- filters --------------------------------------------------------------------------------

  function docsShown(docs) {
    if (!docs || !docs.length) { return true; }
    return docs.some(function (d) { return !hiddenDocs[d]; });
  }

  function factShown(iri) {
    var fact = data.facts[iri];
    if (!fact) { return true; }
    if (hidden[fact["class"]]) { return false; }
    return docsShown(fact.evidence.map(function (e) { return e.doc; }));
  }

  function nodeShown(id) {
    var node = nodesById[id];
    if (!node) { return false; }
    if (data.facts[id]) { return factShown(id); }
    return !hidden[node.type] && docsShown(node.docs);
  }

  function edgeShown(edge) {
    return factShown(edge.data("fact")) && nodeShown(edge.data("source")) &&
      nodeShown(edge.data("target"));
  }

  // -- legend and filters -----------------------------------------------------------------------

  function shapeIcon(shape, colour, line) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
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

  function checkbox(attrs, onChange) {
    var box = el("input", attrs);
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("checked", "");
    box.addEventListener("change", function () { onChange(box.checked); });
    return box;
  }

  function legend() {
    var box = document.getElementById("legend");
    var typeCounts = {};
    data.nodes.forEach(function (n) { typeCounts[n.type] = (typeCounts[n.type] || 0) + 1; });
    var classCounts = {};
    Object.keys(data.facts).forEach(function (iri) {
      var name = data.facts[iri]["class"];
      classCounts[name] = (classCounts[name] || 0) + 1;
    });

    box.appendChild(el("h2", {}, "Entities"));
    var types = el("div", {"class": "types"});
    box.appendChild(types);
    config.entityTypes.forEach(function (type) {
      var style = nodeStyles[type] || {colour: "#999", shape: "ellipse"};
      var count = typeCounts[type] || 0;
      var row = el("label", {"data-type": type, "class": count ? null : "empty"});
      row.appendChild(checkbox({"data-filter": "type", "value": type}, function (on) {
        hidden[type] = !on; applyFilters();
      }));
      row.appendChild(shapeIcon(style.shape, style.colour));
      row.appendChild(el("span", {}, type + " (" + count + ")"));
      types.appendChild(row);
    });

    box.appendChild(el("h2", {}, "Facts"));
    var families = el("div", {"class": "families"});
    box.appendChild(families);
    config.factClasses.forEach(function (spec) {
      var name = spec["class"];
      var count = classCounts[name] || 0;
      var row = el("label", {"data-class": name, "data-family": spec.family,
                             "data-type": spec.node ? name : null,
                             "class": count ? null : "empty"});
      row.appendChild(checkbox({"data-filter": "class", "value": name}, function (on) {
        hidden[name] = !on; applyFilters();
      }));
      var text = name;
      if (spec.node && nodeStyles[name]) {
        row.appendChild(shapeIcon(nodeStyles[name].shape, nodeStyles[name].colour));
      }
      if (spec.family && edgeStyles[spec.family]) {
        var style = edgeStyles[spec.family];
        row.appendChild(shapeIcon(null, style.colour, style.line));
        text += ": " + style.kinds.join(", ");
      } else if (!spec.node) {
        text += ": in the panel only";
      }
      row.appendChild(el("span", {}, text + " (" + count + ")"));
      families.appendChild(row);
    });

    box.appendChild(el("h2", {}, "Documents"));
    var docs = el("div", {"class": "docs"});
    box.appendChild(docs);
    if (!docIds.length) { docs.appendChild(el("div", {"class": "hint"}, "None")); }
    docIds.forEach(function (doc) {
      var info = data.documents[doc];
      var row = el("label", {"data-doc": doc, "class": "doc",
                             "title": doc + (info.source ? "\n" + info.source : "")});
      row.appendChild(checkbox({"data-filter": "doc", "value": doc}, function (on) {
        hiddenDocs[doc] = !on; applyFilters();
      }));
      var name = info.title || info.source || doc;
      row.appendChild(el("span", {}, name + " (" + info.facts +
        (info.facts === 1 ? " fact)" : " facts)")));
      docs.appendChild(row);
    });
  }

  function syncCheckboxes() {
    var boxes = document.querySelectorAll("#legend input[data-filter]");
    Array.prototype.forEach.call(boxes, function (box) {
      var on = box.getAttribute("data-filter") === "doc" ?
        !hiddenDocs[box.value] : !hidden[box.value];
      box.checked = on;
      box.toggleAttribute("checked", on);  // so the state shows in the DOM too
    });
  }

  // -- the side panel -------------------------------------------------------------------------

  var spanChars = {};

  // The document text around a sentence, cut by code points as the offsets count them.
  function passage(evidence) {
    var win = evidence.window;
    var doc = data.documents[evidence.doc];
    if (!win || !doc) { return null; }
    if (!spanChars[evidence.doc]) {
      spanChars[evidence.doc] = doc.spans.map(function (s) {
        return {begin: s.begin, chars: Array.from(s.text)};
      });
    }
    var spans = spanChars[evidence.doc];
    for (var i = 0; i < spans.length; i++) {
      var at = spans[i].begin;
      var chars = spans[i].chars;
      if (at <= win.begin && win.end <= at + chars.length) {
        return {
          before: chars.slice(win.begin - at, evidence.begin - at).join(""),
          sentence: chars.slice(evidence.begin - at, evidence.end - at).join(""),
          after: chars.slice(evidence.end - at, win.end - at).join("")
        };
      }
    }
    return null;
  }

  function evidenceItem(evidence) {
    var item = el("div", {"class": "evidence"});
    var text = passage(evidence);
    if (text) {
      var quote = el("blockquote", {"class": "context"});
      if (evidence.window.cutBefore) { quote.appendChild(textNode("\u2026 ")); }
      quote.appendChild(textNode(text.before));
      quote.appendChild(el("mark", {"data-doc": evidence.doc,
                                    "data-begin": String(evidence.begin),
                                    "data-end": String(evidence.end)}, text.sentence));
      quote.appendChild(textNode(text.after));
      if (evidence.window.cutAfter) { quote.appendChild(textNode(" \u2026")); }
      item.appendChild(quote);
    } else {
      item.appendChild(el("blockquote", {}, evidence.text));
      if (evidence.note) { item.appendChild(el("div", {"class": "note"}, evidence.note)); }
    }
    var name = evidence.title ? "\u201c" + evidence.title + "\u201d" : evidence.source;
    var where = "Document " + evidence.doc + (name ? " (" + name + ")" : "") +
      ", characters " + evidence.begin + "\u2013" + evidence.end;
    item.appendChild(el("div", {"class": "where"}, where));
    return item;
  }

  function factItem(iri, current, chosen) {
    var fact = data.facts[iri];
    var li = el("li", {"class": chosen ? "fact chosen" : "fact", "data-fact": iri});
    li.appendChild(el("div", {"class": "class"}, fact["class"]));
    li.appendChild(el("div", {"class": "summary"}, fact.summary));
    var others = fact.participants.filter(function (p) { return p[1] !== current; });
    if (others.length) {
      var line = el("div", {"class": "participants"});
      others.forEach(function (p, i) {
        if (i) { line.appendChild(textNode(", ")); }
        line.appendChild(textNode(p[0] + ": "));
        var button = el("button", {"type": "button", "class": "entity", "data-id": p[1]},
          nodesById[p[1]] ? nodesById[p[1]].label : p[1]);
        button.addEventListener("click", function () { select(p[1], INTO_VIEW); });
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
    li.appendChild(markControl(iri));
    return li;
  }

  // -- corrections: facts marked wrong, downloaded as a corrections file -----------------------
  // One JSON line per decision, as `casegraph correct drop` writes it (graph/correct.py); the
  // file is applied by `casegraph build --corrections FILE` (or appended to the store's own).

  var marked = {};  // fact IRI -> {when, why}

  function decisionLines() {
    var editor = document.getElementById("editor").value.trim() || "editor";
    return Object.keys(marked).sort().map(function (iri) {
      var why = marked[iri].why.trim() || "marked wrong in the HTML view";
      // keys in sorted order, as the command line writes them
      return JSON.stringify({by: editor, op: "drop", target: iri, when: marked[iri].when,
        why: why});
    });
  }

  function syncCorrections() {
    var lines = decisionLines();
    var text = lines.length ? lines.join("\n") + "\n" : "";
    body.dataset.corrections = text;
    var link = document.getElementById("download-corrections");
    link.textContent = "Download corrections (" + lines.length + ")";
    link.hidden = !lines.length;
    link.setAttribute("href", "data:application/x-ndjson;charset=utf-8," +
      encodeURIComponent(text));
  }

  function markControl(iri) {
    var box = el("div", {"class": "mark"});
    var button = el("button", {"type": "button", "class": "mark-wrong", "data-fact": iri},
      marked[iri] ? "Marked wrong (undo)" : "Mark as wrong");
    var why = el("input", {"type": "text", "class": "why", "data-fact": iri,
      "placeholder": "Why is it wrong?", "aria-label": "Why the fact is wrong"});
    why.hidden = !marked[iri];
    if (marked[iri]) { why.value = marked[iri].why; }
    button.addEventListener("click", function () {
      if (marked[iri]) {
        delete marked[iri];
      } else {
        marked[iri] = {when: new Date().toISOString().replace(/\.\d+Z$/, "Z"), why: ""};
      }
      button.textContent = marked[iri] ? "Marked wrong (undo)" : "Mark as wrong";
      why.hidden = !marked[iri];
      syncCorrections();
    });
    why.addEventListener("input", function () {
      if (marked[iri]) { marked[iri].why = why.value; syncCorrections(); }
    });
    box.appendChild(button);
    box.appendChild(why);
    return box;
  }

  function hint(text) {
    clear(panel);
    panel.appendChild(el("p", {"class": "hint"}, text));
  }

  function showEntity(id) {
    clear(panel);
    var node = nodesById[id];
    panel.appendChild(el("h2", {}, node.label));
    var style = nodeStyles[node.type] || {colour: "#999"};
    var badge = el("span", {"class": "type"}, node.type);
    badge.style.background = style.colour;
    panel.appendChild(badge);
    panel.appendChild(el("div", {"class": "iri"}, node.id));
    if (node.altLabels && node.altLabels.length) {
      panel.appendChild(el("div", {"class": "names"}, "Also named: " + node.altLabels.join("; ")));
    }
    if (node.outcomes.length) {
      panel.appendChild(el("p", {"class": "outcomes"}, "Outcomes: " + node.outcomes.join(", ")));
    }
    if (!nodeShown(id)) {
      panel.appendChild(el("p", {"class": "filtered"}, "Hidden in the graph by the filters."));
    }
    var listed = data.entityFacts[id] || [];
    var facts = listed.filter(factShown);
    panel.appendChild(el("h3", {}, facts.length + (facts.length === 1 ? " fact" : " facts")));
    var list = el("ul", {"class": "facts"});
    facts.forEach(function (iri) { list.appendChild(factItem(iri, id, iri === id)); });
    panel.appendChild(list);
    if (facts.length < listed.length) {
      var more = listed.length - facts.length;
      panel.appendChild(el("p", {"class": "filtered"}, more + (more === 1 ? " fact" : " facts") +
        " hidden by the filters."));
    }
  }

  function showFact(iri) {
    clear(panel);
    panel.appendChild(el("h2", {}, "Fact"));
    if (!factShown(iri)) {
      panel.appendChild(el("p", {"class": "filtered"}, "Hidden in the graph by the filters."));
    }
    var list = el("ul", {"class": "facts"});
    list.appendChild(factItem(iri, null, true));
    panel.appendChild(list);
  }

  function showSelection() {
    if (!selected) { return; }
    if (selected.kind === "node") { showEntity(selected.id); } else { showFact(selected.id); }
  }

  // -- the graph ------------------------------------------------------------------------------

  legend();
  if (!data.nodes.length) { document.getElementById("empty").hidden = false; }

  var styleOf = function (type, key, fallback) {
    var style = nodeStyles[type];
    return style ? style[key] : fallback;
  };
  var edgeStyle = function (family, key) {
    var style = edgeStyles[family];
    return style ? style[key] : (key === "line" ? "solid" : "#999");
  };
  // Sizes in graph units; scaleLabels() grows them so that labels are readable at the zoom.
  var BASE = {node: 32, nodeFont: 13, edgeFont: 11, textWidth: 130, margin: 4};
  var sizes = {node: BASE.node, nodeFont: BASE.nodeFont, edgeFont: BASE.edgeFont,
               textWidth: BASE.textWidth, margin: BASE.margin};

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
    layout: {name: "preset", fit: false},
    minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    style: [
      {selector: "node", style: {
        "label": "data(label)",
        "width": function () { return sizes.node; },
        "height": function () { return sizes.node; },
        "background-color": function (n) { return styleOf(n.data("type"), "colour", "#999"); },
        "shape": function (n) { return styleOf(n.data("type"), "shape", "ellipse"); },
        "border-width": 1, "border-color": "#222",
        "font-size": function () { return sizes.nodeFont; },
        "color": "#222", "text-valign": "bottom",
        "text-margin-y": function () { return sizes.margin; },
        "text-wrap": "wrap", "text-max-width": function () { return sizes.textWidth; },
        "text-background-color": "#fff", "text-background-opacity": 0.8,
        "text-background-padding": 1}},
      {selector: "edge", style: {
        "label": "data(label)", "width": 1.6, "curve-style": "bezier",
        "control-point-step-size": 48,
        "line-color": function (e) { return edgeStyle(e.data("family"), "colour"); },
        "line-style": function (e) { return edgeStyle(e.data("family"), "line"); },
        "target-arrow-shape": "triangle", "arrow-scale": 1.1,
        "target-arrow-color": function (e) { return edgeStyle(e.data("family"), "colour"); },
        "font-size": function () { return sizes.edgeFont; },
        "color": "#333", "text-background-color": "#fff",
        "text-background-opacity": 0.85, "text-background-padding": 1}},
      {selector: ".hidden", style: {"display": "none"}},
      {selector: ".faded", style: {"opacity": 0.2}},
      {selector: "node.chosen", style: {
        "border-width": 3, "border-color": "#000",
        "underlay-color": config.highlight, "underlay-opacity": 1,
        "underlay-padding": function () { return sizes.node * 0.3; },
        "underlay-shape": "ellipse"}},
      {selector: "edge.chosen", style: {
        "width": 4, "underlay-color": config.highlight, "underlay-opacity": 1,
        "underlay-padding": function () { return sizes.node * 0.25; }}}
    ]
  });

  // Fit the visible nodes (not their labels) into the window, then size the labels for the zoom.
  function fitView() {
    var eles = cy.nodes().not(".hidden");
    if (!eles.length) { eles = cy.nodes(); }
    if (eles.length) {
      var box = eles.boundingBox({includeLabels: false, includeOverlays: false,
                                  includeUnderlays: false});
      var width = cy.width(), height = cy.height();
      var padX = 70, padTop = 25, padBottom = 55;
      var zoom = Math.min((width - 2 * padX) / Math.max(box.w, 1),
                          (height - padTop - padBottom) / Math.max(box.h, 1));
      zoom = Math.max(cy.minZoom(), Math.min(zoom, 1.5));
      cy.viewport({zoom: zoom, pan: {
        x: (width - box.w * zoom) / 2 - box.x1 * zoom,
        y: padTop + (height - padTop - padBottom - box.h * zoom) / 2 - box.y1 * zoom
      }});
    }
    scaleLabels();
  }

  function scaleLabels() {
    var zoom = cy.zoom();
    var least = config.minLabelPixels;
    var grow = function (base, pixels) {
      return Math.max(base, Math.ceil(pixels / zoom * 10) / 10);
    };
    sizes.nodeFont = grow(BASE.nodeFont, least);
    sizes.edgeFont = grow(BASE.edgeFont, least);
    var scale = sizes.nodeFont / BASE.nodeFont;
    sizes.textWidth = BASE.textWidth * scale;
    sizes.margin = BASE.margin * scale;
    sizes.node = grow(BASE.node, 24);
    cy.style().update();
    body.dataset.zoom = zoom.toFixed(4);
    body.dataset.nodeFontSize = String(sizes.nodeFont);
    body.dataset.edgeFontSize = String(sizes.edgeFont);
  }

  function applyFilters() {
    var nodes = 0, edges = 0;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var on = nodeShown(n.id());
        n.toggleClass("hidden", !on);
        if (on) { nodes += 1; }
      });
      cy.edges().forEach(function (e) {
        var on = edgeShown(e);
        e.toggleClass("hidden", !on);
        if (on) { edges += 1; }
      });
    });
    body.dataset.visibleNodes = String(nodes);
    body.dataset.visibleEdges = String(edges);
    var counts = data.nodes.length + " nodes, " + data.edges.length + " edges, " +
      Object.keys(data.facts).length + " facts";
    if (nodes !== data.nodes.length || edges !== data.edges.length) {
      counts += " (showing " + nodes + " nodes, " + edges + " edges)";
    }
    document.getElementById("counts").textContent = counts;
    syncCheckboxes();
    showSelection();
    markPosition();
    if (searchInput.value.trim()) { runSearch(!searchBox.hidden); }
    syncUrl();
  }

  // -- selection ------------------------------------------------------------------------------

  function highlight(elements) {
    cy.elements().addClass("faded");
    elements.removeClass("faded");
  }

  function unhighlight() {
    cy.elements().removeClass("faded").removeClass("chosen");
  }

  // The centre of the selection on the page, in CSS pixels ("x,y"), or "" when it is not drawn.
  function markPosition() {
    var chosen = cy.elements(".chosen").not(".hidden");
    if (!chosen.length) { body.dataset.selectedAt = ""; return; }
    var box = chosen.renderedBoundingBox({includeLabels: false});
    var frame = cy.container().getBoundingClientRect();
    body.dataset.selectedAt = Math.round(frame.left + (box.x1 + box.x2) / 2) + "," +
      Math.round(frame.top + (box.y1 + box.y2) / 2);
  }

  // How select() moves the view: not at all, only to bring the selection into view, or always.
  var STAY = 0, INTO_VIEW = 1, CENTRE = 2;

  function centre(elements, how) {
    var shown = elements.not(".hidden");
    if (!shown.length || !how) { return; }
    if (how === INTO_VIEW) {
      var box = shown.boundingBox({includeLabels: false});
      var view = cy.extent();
      if (box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2) {
        return;
      }
    }
    cy.center(shown);
  }

  // Select a node (an entity, or an allegation or outcome), or else a fact by its IRI, and move
  // the view as `how` says (STAY, INTO_VIEW or CENTRE).
  function select(id, how) {
    if (nodesById[id]) {
      selected = {id: id, kind: "node"};
      showEntity(id);
      unhighlight();
      var node = cy.getElementById(id);
      node.addClass("chosen");
      highlight(node.closedNeighborhood());
      centre(node, how);
      markPosition();
      body.dataset.selected = id;
      syncUrl();
      return true;
    }
    return selectFact(id, how);
  }
  window.casegraphSelect = select;

  // Select a fact as a click on its edge does: the panel shows that one fact.
  function selectFact(iri, how) {
    unhighlight();
    if (!data.facts[iri]) {
      selected = null;
      hint("No entity or fact " + iri + " in this graph.");
      markPosition();
      body.dataset.selected = "";
      syncUrl();
      return false;
    }
    selected = {id: iri, kind: "fact"};
    showFact(iri);
    var edges = cy.edges().filter(function (e) { return e.data("fact") === iri; });
    var nodes = cy.getElementById(iri);
    edges.addClass("chosen");
    nodes.addClass("chosen");
    var shown = edges.union(edges.connectedNodes()).union(nodes);
    if (shown.length) { highlight(shown); }
    centre(shown, how);
    markPosition();
    body.dataset.selected = iri;
    syncUrl();
    return true;
  }
  window.casegraphSelectFact = selectFact;

  function unselect() {
    selected = null;
    unhighlight();
    markPosition();
    body.dataset.selected = "";
    hint("Click a node, or search a name, to see its facts and the sentences they come from, " +
      "highlighted in their documents.");
    syncUrl();
  }

  // -- search ---------------------------------------------------------------------------------

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var searchIndex = data.nodes.map(function (n) {
    var names = [n.label].concat(n.altLabels || []);
    return {node: n, names: names, folded: names.map(fold)};
  });

  function findNames(text) {
    var query = fold(text.trim());
    if (!query) { return []; }
    var found = [];
    searchIndex.forEach(function (entry) {
      for (var i = 0; i < entry.folded.length; i++) {
        var at = entry.folded[i].indexOf(query);
        if (at >= 0) {
          found.push({node: entry.node, via: i ? entry.names[i] : null, start: at === 0 ? 0 : 1,
                      fact: data.facts[entry.node.id] ? 1 : 0, key: entry.folded[0]});
          return;
        }
      }
    });
    found.sort(function (a, b) {
      return a.fact - b.fact || a.start - b.start ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
        (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0);
    });
    return found;
  }

  var MAX_RESULTS = 50;

  function runSearch(open) {
    var text = searchInput.value;
    clear(searchBox);
    searchMatches = [];
    activeResult = -1;
    if (!text.trim()) {
      searchBox.hidden = true;
      body.dataset.searchResults = "";
      return;
    }
    var found = findNames(text);
    searchMatches = found.filter(function (m) { return nodeShown(m.node.id); });
    var filtered = found.length - searchMatches.length;
    body.dataset.searchResults = String(searchMatches.length);
    var list = el("ul", {});
    searchMatches.slice(0, MAX_RESULTS).forEach(function (match, i) {
      var button = el("button", {"type": "button", "class": "result", "role": "option",
                                 "data-id": match.node.id, "data-index": String(i)});
      button.appendChild(el("span", {"class": "rlabel"}, match.node.label));
      if (match.via) { button.appendChild(el("span", {"class": "also"}, "also " + match.via)); }
      button.appendChild(el("span", {"class": "rtype"}, match.node.type));
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { choose(match.node.id); });
      var item = el("li", {});
      item.appendChild(button);
      list.appendChild(item);
    });
    searchBox.appendChild(list);
    if (!searchMatches.length) {
      searchBox.appendChild(el("p", {"class": "hint"}, "No name contains \u201c" +
        text.trim() + "\u201d."));
    }
    if (searchMatches.length > MAX_RESULTS) {
      searchBox.appendChild(el("p", {"class": "hint"}, (searchMatches.length - MAX_RESULTS) +
        " more: type more of the name."));
    }
    if (filtered) {
      searchBox.appendChild(el("p", {"class": "hint"}, filtered +
        (filtered === 1 ? " more is" : " more are") + " hidden by the filters."));
    }
    searchBox.hidden = !open;
  }

  function setActive(index) {
    var buttons = searchBox.querySelectorAll("button.result");
    if (!buttons.length) { return; }
    activeResult = (index + buttons.length) % buttons.length;
    Array.prototype.forEach.call(buttons, function (b, i) {
      b.classList.toggle("active", i === activeResult);
    });
    buttons[activeResult].scrollIntoView({block: "nearest"});
  }

  function choose(id) {
    searchBox.hidden = true;
    select(id, CENTRE);
  }

  searchInput.addEventListener("input", function () { runSearch(true); });
  searchInput.addEventListener("focus", function () {
    if (searchInput.value.trim()) { runSearch(true); }
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { setActive(activeResult + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { setActive(activeResult - 1); event.preventDefault(); }
    else if (event.key === "Enter") {
      var match = searchMatches[activeResult >= 0 ? activeResult : 0];
      if (match) { choose(match.node.id); }
      event.preventDefault();
    } else if (event.key === "Escape") { searchBox.hidden = true; }
  });
  document.addEventListener("click", function (event) {
    if (event.target !== searchInput && !searchBox.contains(event.target)) {
      searchBox.hidden = true;
    }
  });

  // -- the URL --------------------------------------------------------------------------------

  function stateQuery() {
    var params = new URLSearchParams();
    if (selected) {
      // A fact shown as a fact, though it is also a node, keeps its own parameter.
      var name = selected.kind === "fact" && nodesById[selected.id] ? "fact" : "select";
      params.append(name, selected.id);
    }
    filterNames.forEach(function (name) { if (hidden[name]) { params.append("hide", name); } });
    docIds.forEach(function (doc) { if (hiddenDocs[doc]) { params.append("hide-doc", doc); } });
    return params.toString();
  }

  function syncUrl() {
    if (loading) { return; }
    var query = stateQuery();
    var base = window.location.href.split("#")[0].split("?")[0];
    body.dataset.link = base + (query ? "?" + query : "");
    try {
      window.history.replaceState(null, "", body.dataset.link);
    } catch (error) {
      // Some browsers refuse to change a file: URL; the link is still there to copy.
    }
  }

  function readUrl() {
    var query = new URLSearchParams(window.location.search);
    var names = {};
    filterNames.forEach(function (name) { names[name.toLowerCase()] = name; });
    query.getAll("hide").forEach(function (value) {
      value.split(",").forEach(function (part) {
        var name = names[part.trim().toLowerCase()];
        if (name) { hidden[name] = true; }
      });
    });
    query.getAll("hide-doc").forEach(function (doc) {
      if (data.documents[doc]) { hiddenDocs[doc] = true; }
    });
    return query;
  }

  var copyStatus = document.getElementById("copy-status");
  var copyTimer = null;

  function copied(message) {
    copyStatus.textContent = message;
    if (copyTimer) { window.clearTimeout(copyTimer); }
    copyTimer = window.setTimeout(function () { copyStatus.textContent = ""; }, 3000);
  }

  function copyByHand(link) {
    var area = el("textarea", {"readonly": "", "aria-hidden": "true"});
    area.value = link;
    area.style.position = "fixed";
    area.style.top = "-1000px";
    body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    body.removeChild(area);
    if (ok) { copied("Link copied"); } else { window.prompt("Copy this link:", link); }
  }

  document.getElementById("copy-link").addEventListener("click", function () {
    var link = body.dataset.link || window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(function () { copied("Link copied"); },
        function () { copyByHand(link); });
    } else {
      copyByHand(link);
    }
  });

  // -- events and the first view --------------------------------------------------------------

  cy.on("tap", "node", function (event) { select(event.target.id(), STAY); });
  cy.on("tap", "edge", function (event) { selectFact(event.target.data("fact"), STAY); });
  cy.on("tap", function (event) { if (event.target === cy) { unselect(); } });
  cy.on("viewport", markPosition);
  document.getElementById("fit").addEventListener("click", fitView);
  document.getElementById("editor").addEventListener("input", syncCorrections);
  syncCorrections();

  cy.ready(function () {
    body.dataset.rendered = String(cy.nodes().length);
    body.dataset.edges = String(cy.edges().length);
    body.dataset.selected = "";
    body.dataset.selectedAt = "";
    body.dataset.searchResults = "";
    var query = readUrl();
    applyFilters();
    fitView();
    if (query.get("select")) { select(query.get("select"), INTO_VIEW); }
    if (query.get("fact")) { selectFact(query.get("fact"), INTO_VIEW); }
    if (query.get("search")) {
      searchInput.value = query.get("search");
      runSearch(true);
    }
    loading = false;
    syncUrl();
  });
})();
// {% endraw %}
