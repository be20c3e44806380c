// The query page of `casegraph serve` (graph/templates/query.html): runs SPARQL by POST to /query
// and shows the results as a table whose IRIs link to the graph view (/view?select=IRI).
// Plain JavaScript, no library; it talks to the gateway that served it and to nothing else.
//
// The page URL can say what to run when it opens: ?question=NAME runs a bundled question
// (ontology/queries/NAME.rq), ?query=TEXT runs that query. <body> gets data-state (ready, running,
// done, error) and data-rows (the number of result rows) for scripts and tests.
(function () {
  "use strict";

  var ENDPOINT = "/query";
  var VIEW = "/view";
  // SELECT and ASK answer JSON results; CONSTRUCT and DESCRIBE answer N-Triples.
  var ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
  var MAX_ROWS = 2000; // rows drawn in the table; the count says how many there are
  var MAX_MESSAGE = 300;

  var body = document.body;
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var statusLine = document.getElementById("status");
  var errorLine = document.getElementById("error");
  var results = document.getElementById("results");
  var firstQuery = editor.value;
  var prefixes = JSON.parse(document.getElementById("casegraph-prefixes").textContent);
  var vocabularies = JSON.parse(document.getElementById("casegraph-vocabularies").textContent);
  var namespaces = Object.keys(prefixes).map(function (p) { return [p, prefixes[p]]; });
  namespaces.sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
  var running = null; // the AbortController of the query in flight

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // An IRI as prefix:rest when a known namespace starts it (for reading; the link keeps it whole).
  function compact(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      var ns = namespaces[i][1];
      if (iri.length > ns.length && iri.slice(0, ns.length) === ns) {
        return namespaces[i][0] + ":" + iri.slice(ns.length);
      }
    }
    return iri;
  }

  function isVocabulary(iri) {
    return vocabularies.some(function (ns) { return iri.slice(0, ns.length) === ns; });
  }

  // A message on one line, Oxigraph's lists of name characters shortened as `casegraph query` does.
  function oneLine(text) {
    var line = String(text).replace(/\s+/g, " ").trim();
    line = line.replace(/\[[^\[\]]*\.\.=[^\[\]]*\]/g, "a name").replace(/a name(, a name)+/g, "a name");
    return line.length > MAX_MESSAGE ? line.slice(0, MAX_MESSAGE - 1) + "\u2026" : line;
  }

  function setState(state, rows) {
    body.dataset.state = state;
    if (rows === undefined) { delete body.dataset.rows; } else { body.dataset.rows = String(rows); }
  }

  function showError(message) {
    clear(results);
    statusLine.textContent = "";
    errorLine.textContent = oneLine(message);
    errorLine.hidden = false;
    setState("error");
  }

  // -- cells -----------------------------------------------------------------------------------

  function termCell(term) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      td.className = "iri";
      if (isVocabulary(term.value)) {
        td.appendChild(el("span", {title: term.value}, compact(term.value)));
      } else {
        td.appendChild(el("a", {href: VIEW + "?select=" + encodeURIComponent(term.value),
                                title: term.value}, compact(term.value)));
      }
    } else if (term.type === "bnode") {
      td.className = "bnode";
      td.textContent = "_:" + term.value;
    } else if (term.type === "triple") {
      td.className = "triple";
      var v = term.value;
      td.textContent = "<< " + [v.subject, v.predicate, v.object].map(termText).join(" ") + " >>";
    } else {
      td.className = "literal";
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.appendChild(el("span", {"class": "lang"}, "@" + term["xml:lang"]));
      } else if (term.datatype) {
        td.title = compact(term.datatype);
        if (/#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(term.datatype)) {
          td.className += " number";
        }
      }
    }
    return td;
  }

  function termText(term) {
    if (term.type === "uri") { return compact(term.value); }
    if (term.type === "bnode") { return "_:" + term.value; }
    return JSON.stringify(term.value);
  }

  // -- results ---------------------------------------------------------------------------------

  function showTable(columns, rows, what) {
    clear(results);
    var table = el("table", {id: "results-table"});
    var head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", {scope: "col"}, c)); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    rows.slice(0, MAX_ROWS).forEach(function (row) {
      var tr = el("tr");
      columns.forEach(function (c) { tr.appendChild(termCell(row[c])); });
      tbody.appendChild(tr);
    });
    var count = rows.length + " " + what + (rows.length === 1 ? "" : "s");
    if (rows.length > MAX_ROWS) {
      count += "; the first " + MAX_ROWS + " are shown (LIMIT and OFFSET page through them)";
    }
    statusLine.textContent = count;
    results.appendChild(table);
    setState("done", rows.length);
  }

  function showBoolean(value) {
    clear(results);
    statusLine.textContent = "ASK";
    results.appendChild(el("p", {id: "results-boolean"}, value ? "true" : "false"));
    setState("done", 1);
  }

  // N-Triples (a CONSTRUCT or DESCRIBE result) as rows of subject, predicate, object terms.
  var TRIPLE = /^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(.*?)\s*\.\s*$/;
  var LITERAL = /^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/;
  var ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g;
  var SIMPLE = {t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\"};

  function unescapeText(text) {
    return text.replace(ESCAPE, function (all, u4, u8, c) {
      if (u4 || u8) { return String.fromCodePoint(parseInt(u4 || u8, 16)); }
      return Object.prototype.hasOwnProperty.call(SIMPLE, c) ? SIMPLE[c] : c;
    });
  }

  function ntTerm(text) {
    if (text.charAt(0) === "<") { return {type: "uri", value: unescapeText(text.slice(1, -1))}; }
    if (text.slice(0, 2) === "_:") { return {type: "bnode", value: text.slice(2)}; }
    var match = LITERAL.exec(text);
    if (!match) { return {type: "literal", value: text}; }
    var term = {type: "literal", value: unescapeText(match[1])};
    if (match[2]) { term["xml:lang"] = match[2]; }
    if (match[3]) { term.datatype = match[3]; }
    return term;
  }

  function showTriples(text) {
    var rows = [];
    text.split(/\r?\n/).forEach(function (line) {
      var match = TRIPLE.exec(line);
      if (match) {
        rows.push({subject: ntTerm(match[1]), predicate: ntTerm(match[2]), object: ntTerm(match[3])});
      }
    });
    showTable(["subject", "predicate", "object"], rows, "triple");
  }

  // -- running ---------------------------------------------------------------------------------

  function run(query, address) {
    if (running) { running.abort(); }
    var controller = new AbortController();
    running = controller;
    clear(results);
    errorLine.hidden = true;
    errorLine.textContent = "";
    statusLine.textContent = "Running\u2026";
    setState("running");
    if (address !== undefined) { history.replaceState(null, "", address); }
    fetch(ENDPOINT, {
      method: "POST",
      headers: {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
      body: new URLSearchParams({query: query}).toString(),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.text().then(function (text) {
        if (controller !== running) { return; }
        running = null;
        if (!response.ok) {
          var reason = (response.status + " " + response.statusText).trim();
          showError("The query failed (" + reason + "): " + (text.trim() || "no message"));
          return;
        }
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        if (type === "application/sparql-results+json") {
          var answer = JSON.parse(text);
          if (typeof answer.boolean === "boolean") {
            showBoolean(answer.boolean);
          } else {
            showTable(answer.head.vars || [], answer.results.bindings, "row");
          }
        } else if (type === "application/n-triples") {
          showTriples(text);
        } else {
          showError("The endpoint answered " + (type || "no content type") + ", not SPARQL results");
        }
      });
    }).catch(function (error) {
      if (controller !== running) { return; } // replaced by a later query
      running = null;
      showError("The query could not be run: " + (error && error.message ? error.message : error) +
        " (is `casegraph serve` still running?)");
    });
  }

  function markQuestion(name) {
    Array.prototype.forEach.call(document.querySelectorAll("li.question"), function (li) {
      if (li.dataset.name === name) { li.setAttribute("aria-current", "true"); }
      else { li.removeAttribute("aria-current"); }
    });
  }

  function runQuestion(name) {
    var item = document.getElementById("question-" + name);
    if (!item) {
      showError("No bundled question named " + name);
      return;
    }
    editor.value = item.querySelector("pre.sparql").textContent;
    markQuestion(name);
    run(editor.value, "?question=" + encodeURIComponent(name));
  }

  function runEditor() {
    markQuestion(null);
    run(editor.value, "?query=" + encodeURIComponent(editor.value));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runEditor();
  });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runEditor();
    }
  });
  document.getElementById("reset").addEventListener("click", function () {
    editor.value = firstQuery;
    markQuestion(null);
    if (running) { running.abort(); running = null; }
    clear(results);
    errorLine.hidden = true;
    statusLine.textContent = "";
    setState("ready");
    history.replaceState(null, "", location.pathname);
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.run-question"), function (button) {
    button.addEventListener("click", function () { runQuestion(button.dataset.name); });
  });

  var address = new URLSearchParams(location.search);
  if (address.get("question")) {
    runQuestion(address.get("question"));
  } else if (address.get("query")) {
    editor.value = address.get("query");
    run(editor.value);
  }
})();
