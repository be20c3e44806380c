"""Tests of graph/analysis.py: on the seed store (real spaCy pipeline) and on small hand-made
stores and graphs whose answers are known exactly."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.analysis import (
    ENTITY_TYPES,
    FUNNEL_STAGES,
    centrality,
    class_counts,
    components,
    ego_graph,
    entity_graph,
    find_node,
    funnel,
    shortest_connection,
)
from graph.cli import app
from graph.errors import CasegraphError
from graph.ontology import outcome_scheme
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
CGO = "https://w3id.org/casegraph/outcomes#"
ID = "https://w3id.org/casegraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

SYP = f"{ID}organisation/south-yorkshire-police"
IOPC = f"{ID}organisation/independent-office-for-police-conduct"
LOCKWOOD = f"{ID}person/michael-lockwood"


# -- a small store written by hand ----------------------------------------------------------------


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Doc:
    """Writes one document's named graph as N-Triples: entities, sentences and facts."""

    def __init__(self, doc_id: str):
        self.iri = f"{ID}doc/{doc_id}"
        self.doc_id = doc_id
        self.lines: list[str] = [f"<{self.iri}> <{RDF_TYPE}> <{CG}Document> ."]
        self.text = ""
        self.facts = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} .")

    def entity(
        self, kind: str, slug: str, label: str, count: int | None = None, alt: tuple = ()
    ) -> str:
        iri = f"{ID}{kind.lower()}/{slug}"
        self.add(iri, RDF_TYPE, f"<{CG}{kind}>")
        self.add(iri, LABEL, _literal(label))
        for name in alt:
            self.add(iri, ALT, _literal(name))
        if count is not None:
            self.add(iri, f"{CG}count", f'"{count}"^^<{XSD_INTEGER}>')
        return iri

    def fact(self, cls: str, sentence: str, count: int | None = None, **links: object) -> str:
        """A fact of class ``cls`` stated by ``sentence``; links: property -> IRI(s) or literal."""
        begin = len(self.text)
        self.text += sentence + " "
        end = begin + len(sentence)
        sentence_iri = f"{self.iri}#char={begin},{end}"
        self.add(sentence_iri, RDF_TYPE, f"<{CG}Sentence>")
        self.add(sentence_iri, f"{NIF}anchorOf", _literal(sentence))
        self.add(sentence_iri, f"{NIF}referenceContext", f"<{self.iri}>")
        self.add(sentence_iri, f"{NIF}beginIndex", f'"{begin}"^^<{XSD_INTEGER}>')
        self.add(sentence_iri, f"{NIF}endIndex", f'"{end}"^^<{XSD_INTEGER}>')
        self.facts += 1
        iri = f"{ID}fact/{self.doc_id}/{cls.lower()}-{self.facts}"
        self.add(iri, RDF_TYPE, f"<{CG}{cls}>")
        self.add(iri, PROV, f"<{sentence_iri}>")
        if count is not None:
            self.add(iri, f"{CG}count", f'"{count}"^^<{XSD_INTEGER}>')
        for prop, values in links.items():
            for value in values if isinstance(values, list | tuple) else [values]:
                if prop == "outcomeType":
                    self.add(iri, f"{CG}outcomeType", f"<{CGO}{value}>")
                elif prop in ("role", "label"):
                    self.add(iri, LABEL if prop == "label" else f"{CG}role", _literal(value))
                else:
                    self.add(iri, f"{CG}{prop}", f"<{value}>")
        return iri

    def ntriples(self) -> bytes:
        self.add(self.iri, f"{NIF}isString", _literal(self.text))
        return ("\n".join(self.lines) + "\n").encode()


def _two_documents() -> tuple[Doc, Doc]:
    a = Doc("a")
    met = a.entity("Organisation", "met", "Metropolitan Police", alt=("Met",))
    iopc = a.entity("Organisation", "iopc", "IOPC")
    jane = a.entity("Person", "jane-roe", "Jane Roe")
    officers = a.entity("Group", "a/officers", "three officers", count=3)
    complainants = a.entity("Group", "a/complainants", "complainants")
    a.fact(
        "Membership",
        "Jane Roe, a sergeant at the Met.",
        member=jane,
        organisation=met,
        role="sergeant",
    )
    a.fact("Membership", "Three officers of the Met.", member=officers, organisation=met)
    a.fact(
        "Allegation",
        "Complainants made 10 allegations against the Met.",
        count=10,
        against=met,
        madeBy=complainants,
        label="10 allegations",
    )
    a.fact(
        "Allegation",
        "The Met was accused of ignoring reports.",
        against=met,
        label="ignoring reports",
    )
    a.fact("Investigation", "The IOPC investigated Jane Roe.", investigator=iopc, subject=jane)
    a.fact(
        "Investigation",
        "The IOPC investigated three officers.",
        investigator=iopc,
        subject=officers,
    )
    a.fact(
        "Outcome",
        "Jane Roe had a case to answer for gross misconduct.",
        outcomeType="case-to-answer-gross-misconduct",
        appliesTo=jane,
    )
    a.fact(
        "Outcome",
        "Two officers had a case to answer for misconduct.",
        count=2,
        outcomeType="case-to-answer-misconduct",
        appliesTo=officers,
    )
    a.fact(
        "Outcome",
        "Misconduct was proven against two officers.",
        count=2,
        outcomeType="misconduct-proven",
        appliesTo=officers,
    )
    a.fact(
        "Outcome",
        "Jane Roe was dismissed.",
        outcomeType="dismissal",
        appliesTo=jane,
        decidedBy=iopc,
    )
    a.fact(
        "Outcome",
        "Two officers received written warnings.",
        count=2,
        outcomeType="written-warning",
        appliesTo=officers,
    )
    b = Doc("b")
    b.entity("Person", "jane-roe", "Jane Roe")
    other = b.entity("Organisation", "other-force", "Other Force")
    third = b.entity("Organisation", "third-force", "Third Force")
    some = b.entity("Group", "b/some-officers", "some officers")
    b.fact("Allegation", "Jane Roe faced an allegation of assault.", against=jane, label="assault")
    b.fact("Outcome", "Jane Roe retired.", outcomeType="retirement", appliesTo=jane)
    b.fact(
        "Outcome",
        "Nobody at Other Force lost their job.",
        outcomeType="no-sanction",
        appliesTo=other,
    )
    b.fact("Membership", "Some officers of Third Force.", member=some, organisation=third)
    b.fact(
        "Investigation", "Third Force officers were investigated.", investigator=other, subject=some
    )
    return a, b


@pytest.fixture
def store():
    a, b = _two_documents()
    with CaseStore.open(None) as case_store:
        case_store.replace_documents([(a.iri, a.ntriples()), (b.iri, b.ntriples())])
        yield case_store


def _document_texts(store: CaseStore) -> dict[str, str]:
    query = "SELECT DISTINCT ?d ?t WHERE { ?d a cg:Document ; nif:isString ?t }"
    return {s["d"].value: s["t"].value for s in store.query(query)}


# -- entity graph ---------------------------------------------------------------------------------


def test_analysis_entity_graph_nodes_and_edges(store):
    graph = entity_graph(store)
    jane = f"{ID}person/jane-roe"
    assert graph.nodes[jane]["type"] == "Person"
    assert graph.nodes[f"{ID}group/a/officers"]["count"] == 3
    assert graph.nodes[f"{ID}organisation/met"]["alt_labels"] == ["Met"]
    assert graph.nodes[jane]["outcomes"] == [
        "case-to-answer-gross-misconduct",
        "dismissal",
        "retirement",
    ]
    kinds = {
        (u.rsplit("/", 1)[-1], v.rsplit("/", 1)[-1], d["kind"])
        for u, v, d in graph.edges(data=True)
    }
    assert ("jane-roe", "met", "member of") in kinds
    assert ("iopc", "jane-roe", "investigated") in kinds
    assert ("allegation-3", "met", "against") in kinds
    assert ("complainants", "met", "alleged against") in kinds  # the maker -> the accused
    assert ("allegation-4", "met", "against") in kinds  # no maker: still linked to the accused
    assert ("outcome-10", "jane-roe", "applies to") in kinds
    assert ("iopc", "outcome-10", "decided") in kinds
    outcome = graph.nodes[f"{ID}fact/a/outcome-10"]
    assert (outcome["type"], outcome["notation"], outcome["group"], outcome["label"]) == (
        "Outcome",
        "dismissal",
        "sanctions",
        "Dismissal",
    )


def test_analysis_entity_graph_evidence_is_the_sentence(store):
    graph = entity_graph(store)
    texts = _document_texts(store)
    assert graph.number_of_edges() > 10
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert data["fact"] == key
        document = texts[data["document"]]
        assert document[data["char_begin"] : data["char_end"]] == data["evidence"]
        assert (
            data["sentence"] == f"{data['document']}#char={data['char_begin']},{data['char_end']}"
        )


def test_analysis_entity_graph_without_fact_nodes(store):
    graph = entity_graph(store, facts=False)
    assert {data["type"] for _, data in graph.nodes(data=True)} <= set(ENTITY_TYPES)
    kinds = {data["kind"] for _, _, data in graph.edges(data=True)}
    assert kinds == {"member of", "investigated", "alleged against", "dismissal"}


def test_analysis_entity_graph_sorted_and_deterministic(store):
    first, second = entity_graph(store), entity_graph(store)
    assert list(first.nodes) == sorted(first.nodes)
    assert list(first.edges(keys=True)) == sorted(first.edges(keys=True))
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))


def test_analysis_entity_graph_reexported_by_draw():
    from graph import draw

    assert draw.entity_graph is entity_graph


# -- funnel on the hand-made store ----------------------------------------------------------------


def test_analysis_funnel_counts_known(store):
    result = funnel(store, "metropolitan police")
    assert [stage.name for stage in result.stages] == [name for name, _ in FUNNEL_STAGES]
    counts = {stage.name: stage.count for stage in result.stages}
    # 10 counted allegations in document a (the uncounted one there is taken to be among them),
    # plus 1 uncounted allegation against a member in document b.
    assert counts == {
        "allegations": 11,
        "investigated": 4,  # Jane Roe + three officers
        "case-to-answer": 3,
        "proven": 2,
        "sanctions": 3,  # a dismissal (a person: 1) and 2 written warnings; not the retirement
        "dismissals": 1,
    }
    assert result.stage("case-to-answer").breakdown == {
        "case-to-answer-gross-misconduct": 1,
        "case-to-answer-misconduct": 2,
    }
    assert result.stage("sanctions").breakdown == {"dismissal": 1, "written-warning": 2}
    assert result.members == (f"{ID}group/a/officers", f"{ID}person/jane-roe")
    dismissal = result.stage("dismissals").facts
    assert [fact["evidence"] for fact in dismissal] == ["Jane Roe was dismissed."]


def test_analysis_funnel_unknown_and_explicit_zero(store):
    other = funnel(store, "Other Force")
    counts = {stage.name: stage.count for stage in other.stages}
    assert counts == {
        "allegations": None,
        "investigated": None,
        "case-to-answer": None,
        "proven": None,
        "sanctions": 0,  # "Nobody at Other Force lost their job."
        "dismissals": 0,
    }
    assert other.stage("dismissals").facts[0]["notation"] == "no-sanction"
    third = funnel(store, "third force")
    # A group of unknown size was investigated: the number of people is unknown, not 0 or 1.
    assert third.stage("investigated").count is None
    assert len(third.stage("investigated").facts) == 1


def test_analysis_funnel_same_by_label_alt_label_and_iri(store):
    by_label = funnel(store, "Metropolitan Police").to_json()
    assert funnel(store, "MET").to_json() == by_label
    assert funnel(store, f"{ID}organisation/met").to_json() == by_label
    json.dumps(by_label)  # JSON-ready


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Scotland Yard", "No organisation named 'Scotland Yard'"),
        ("Jane Roe", "(it is a Person)"),
        ("force", "did you mean 'Other Force', 'Third Force'?"),
    ],
)
def test_analysis_funnel_bad_organisation(store, name, message):
    with pytest.raises(CasegraphError, match=message.replace("(", r"\(").replace(")", r"\)")):
        funnel(store, name)


def test_analysis_funnel_stage_notations_exist_in_scheme():
    from graph import analysis

    scheme = outcome_scheme()
    named = (
        analysis._CASE_TO_ANSWER
        | analysis._PROVEN
        | analysis._NOT_IMPOSED
        | analysis._DISMISSALS
        | {analysis._NO_SANCTION}
    )
    assert named <= set(scheme)
    assert {scheme[n].group for n in analysis._CASE_TO_ANSWER | analysis._PROVEN} == {"findings"}
    assert {scheme[n].group for n in analysis._NOT_IMPOSED | analysis._DISMISSALS} == {"sanctions"}


# -- the seed document ----------------------------------------------------------------------------


@pytest.mark.issue(15)
def test_analysis_seed_funnel_south_yorkshire_police(seed_store):
    """The seed's funnel reads like the article: 265 allegations (51 complainants), 47
    investigated, 14 cases to answer (8 + 6), 1 hearing not proven, 5 sanctioned (management
    action to final written warning), 0 dismissed; each stage cites the sentence of its number."""
    result = funnel(seed_store, "South Yorkshire Police")
    assert result.organisation == SYP
    allegations = result.stage("allegations")
    assert allegations.count == 265
    assert allegations.detail == "made by 51 complainants"
    assert len(allegations.cited) == 1 and "265 separate allegations" in allegations.cited[0]
    investigated = result.stage("investigated")
    assert investigated.count == 47
    # the sentence that states 47, not another sentence about the same officers
    assert investigated.cited == [
        "Of the 47 officers investigated, eight were found to have a case to answer for "
        "misconduct and six had a case to answer for gross misconduct."
    ]
    cases = result.stage("case-to-answer")
    assert cases.count == 14
    assert cases.breakdown == {"case-to-answer-gross-misconduct": 6, "case-to-answer-misconduct": 8}
    assert cases.cited == investigated.cited
    proven = result.stage("proven")
    assert (proven.count, proven.out_of, proven.breakdown) == (0, 1, {"not-proven": 1})
    assert len(proven.cited) == 1 and "found not proven" in proven.cited[0]
    sanctions = result.stage("sanctions")
    assert sanctions.count == 5  # "Five of these officers", counted once for the two ends
    assert sanctions.breakdown == {"management-action to final-written-warning": 5}
    assert {fact["notation"] for fact in sanctions.facts} == {
        "management-action",
        "final-written-warning",
    }
    assert len(sanctions.cited) == 1 and sanctions.cited[0].startswith("Five of these officers")
    dismissals = result.stage("dismissals")
    assert dismissals.count == 0
    assert any("lost their job" in sentence for sentence in dismissals.cited)
    texts = _document_texts(seed_store)
    for stage in result.stages:
        for fact in stage.facts:
            document = texts[fact["document"]]
            assert document[fact["char_begin"] : fact["char_end"]] == fact["evidence"]


def test_analysis_seed_class_counts_match_graph(seed_store):
    counts = class_counts(seed_store)
    graph = entity_graph(seed_store)
    types = [data["type"] for _, data in graph.nodes(data=True)]
    for kind in (*ENTITY_TYPES, "Allegation", "Outcome"):
        assert counts[kind] == types.count(kind), kind
    assert counts["Document"] == 1
    assert counts["Sentence"] >= len({d["sentence"] for _, _, d in graph.edges(data=True)})


def test_analysis_seed_centrality(seed_store):
    graph = entity_graph(seed_store)
    ranked = centrality(graph, top=3)
    assert len(ranked) == 3
    assert next(iter(ranked)) == SYP
    assert all(graph.nodes[node]["type"] in ENTITY_TYPES for node in centrality(graph, top=None))
    by_degree = centrality(graph, top=None, by="degree")
    degrees = [scores["degree"] for scores in by_degree.values()]
    assert degrees == sorted(degrees, reverse=True)
    assert by_degree[SYP]["degree"] == graph.degree(SYP)


def test_analysis_seed_components_and_connection(seed_store):
    graph = entity_graph(seed_store)
    parts = components(graph)
    assert {SYP, IOPC, LOCKWOOD} <= set(parts[0])
    assert sorted(node for part in parts for node in part) == sorted(graph.nodes)
    connection = shortest_connection(graph, "michael lockwood", "SYP")
    assert connection.nodes == (LOCKWOOD, IOPC, SYP)
    first, second = connection.steps
    assert [fact["kind"] for fact in first.facts] == ["member of"]
    assert "director-general Michael Lockwood" in first.facts[0]["evidence"]
    assert [fact["kind"] for fact in second.facts] == ["investigated"]
    assert "Independent Office for Police Conduct" in second.facts[0]["evidence"]


# -- measures on hand-made graphs -----------------------------------------------------------------


def _graph(edges, types=None) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for source, target, key, evidence in edges:
        graph.add_edge(source, target, key=key, kind="linked", evidence=evidence)
    for node in graph:
        graph.nodes[node].update(type=(types or {}).get(node, "Person"), label=node.upper())
    return graph


def test_analysis_centrality_star():
    star = _graph([(leaf, "hub", f"f{leaf}", "") for leaf in "abcd"])
    ranked = centrality(star, top=None)
    assert next(iter(ranked)) == "hub"
    assert ranked["hub"]["degree"] == 4
    assert ranked["hub"]["betweenness"] == pytest.approx(1.0)  # on every path between two leaves
    assert ranked["a"]["betweenness"] == 0.0
    assert sum(scores["pagerank"] for scores in ranked.values()) == pytest.approx(1.0)
    assert list(ranked)[1:] == ["a", "b", "c", "d"]  # ties broken by label


def test_analysis_centrality_ranks_entities_only():
    graph = _graph([("a", "x", "f1", ""), ("x", "b", "f2", "")], types={"x": "Allegation"})
    assert set(centrality(graph, top=None)) == {"a", "b"}
    with pytest.raises(ValueError, match="closeness"):
        centrality(graph, by="closeness")


def test_analysis_components_exact():
    graph = _graph([("a", "b", "f1", ""), ("c", "b", "f2", ""), ("d", "e", "f3", "")])
    graph.add_node("z", type="Place", label="Z")
    assert components(graph) == [["a", "b", "c"], ["d", "e"], ["z"]]


def test_analysis_shortest_connection_steps_and_evidence():
    graph = _graph(
        [
            ("a", "b", "f1", "A joined B."),
            ("c", "b", "f2", "C investigated B."),
            ("c", "d", "f3", "C investigated D."),
            ("d", "c", "f4", "D criticised C."),
            ("a", "x", "f5", "A met X."),
        ]
    )
    graph.add_node("e", type="Person", label="E")
    connection = shortest_connection(graph, "A", "d")
    assert connection.nodes == ("a", "b", "c", "d")
    assert [step.source for step in connection.steps] == ["a", "b", "c"]
    second = connection.steps[1]
    assert [(f["source"], f["target"], f["evidence"]) for f in second.facts] == [
        ("c", "b", "C investigated B.")  # against the direction of travel: kept as stated
    ]
    assert [f["evidence"] for f in connection.steps[2].facts] == [
        "C investigated D.",
        "D criticised C.",
    ]
    assert connection.to_json()["nodes"][0] == {"iri": "a", "label": "A"}
    assert shortest_connection(graph, "a", "e") is None
    assert shortest_connection(graph, "b", "b").nodes == ("b",)


def test_analysis_find_node_errors():
    graph = _graph([("a", "b", "f1", "")])
    graph.nodes["b"]["label"] = "A"  # two nodes labelled "A"
    with pytest.raises(CasegraphError, match=r"'a ' is ambiguous: 2 nodes match \(a, b\)"):
        find_node(graph, "a ")
    assert find_node(graph, "b") == "b"  # an IRI (here a node id) wins over labels
    with pytest.raises(CasegraphError, match="No entity named 'q'"):
        find_node(graph, "q")


def test_analysis_ego_graph_radius():
    graph = _graph([("a", "b", "f1", ""), ("c", "b", "f2", ""), ("c", "d", "f3", "")])
    one = ego_graph(graph, "B", 1)
    assert sorted(one) == ["a", "b", "c"]
    assert one.graph["center"] == "b"
    assert sorted(one.edges(keys=True)) == [("a", "b", "f1"), ("c", "b", "f2")]
    assert one.nodes["a"] == graph.nodes["a"]
    assert sorted(ego_graph(graph, "b", 2)) == ["a", "b", "c", "d"]
    assert list(ego_graph(graph, "b", 0)) == ["b"]
    with pytest.raises(CasegraphError, match="Depth"):
        ego_graph(graph, "b", -1)


# -- CLI ----------------------------------------------------------------------------------------


def test_analysis_cli_stats(seed_store):
    result = CliRunner().invoke(app, ["stats", "--store", str(seed_store.path), "--top", "3"])
    assert result.exit_code == 0, result.output
    counts = class_counts(seed_store)
    for name in ("Organisation", "Allegation", "Outcome", "Document", "Sentence"):
        assert any(
            line.split("│")[1].strip() == name and line.split("│")[2].strip() == str(counts[name])
            for line in result.stdout.splitlines()
            if line.count("│") == 3
        ), name
    ranked = [line for line in result.stdout.splitlines() if line.startswith("│ 1 ")]
    assert len(ranked) == 1 and "South Yorkshire" in ranked[0]  # the label may wrap
    assert "Example:" in CliRunner().invoke(app, ["stats", "--help"]).stdout


def test_analysis_cli_funnel_table_and_json(seed_store):
    runner = CliRunner()
    table = runner.invoke(app, ["funnel", "SYP", "--store", str(seed_store.path)])
    assert table.exit_code == 0, table.output
    rows = {
        cells[1].strip(): cells[2].strip()
        for line in table.stdout.splitlines()
        if (cells := line.split("│")) and len(cells) == 6 and cells[1].strip()
    }
    assert rows["Allegations"] == "265"
    assert rows["People investigated"] == "47"
    assert rows["Cases to answer"] == "14"
    assert rows["Proven"] == "0 of 1"
    assert rows["Sanctions"] == "5"
    assert rows["Dismissals"] == "0"
    assert "no officers lost their job" in table.stdout
    assert "People investigated: 47\n  stated in: Of the 47 officers investigated" in table.stdout
    as_json = runner.invoke(app, ["funnel", "SYP", "--json", "--store", str(seed_store.path)])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["label"] == "South Yorkshire Police"
    assert [s["count"] for s in document["stages"]] == [265, 47, 14, 0, 5, 0]
    assert document["stages"][3]["out_of"] == 1
    assert "Example:" in runner.invoke(app, ["funnel", "--help"]).stdout


def test_analysis_cli_funnel_unknown_organisation(seed_store):
    result = CliRunner().invoke(app, ["funnel", "Nowhere Police", "--store", str(seed_store.path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: No organisation named 'Nowhere Police' in the graph"


def _funnel_of(nlp, text: str, organisation: str):
    """The funnel of ``organisation`` in a throw-away store built from one invented text."""
    from graph.model import SourceDocument
    from graph.pipeline import build_documents
    from graph.store import CaseStore

    with CaseStore.open(None) as store:
        build_documents([SourceDocument(doc_id="d", text=text, title="t", source="t")], store, nlp)
        return funnel(store, organisation)


def test_analysis_funnel_counts_a_restated_outcome_once(nlp):
    """A story that gives its outcome in the headline and again, per named officer, in the body
    reports one event: two dismissals, not four."""
    text = (
        "Two Westshire Police officers sacked\n"
        "Two Westshire Police officers were sacked for gross misconduct on Friday.\n"
        "A disciplinary panel ruled that PC Anna Morley and PC Tom Reed had lied to "
        "investigators, and both officers were dismissed.\n"
    )
    stages = {s.name: s for s in _funnel_of(nlp, text, "Westshire Police").stages}
    assert stages["dismissals"].count == 2
    assert len(stages["dismissals"].facts) >= 2  # both reports stay listed as evidence


@pytest.mark.issue(15)
def test_analysis_funnel_range_and_not_proven(nlp):
    """A count stated for a group reaches the sanctions stage when its outcomes are the two ends
    of a range, counted once; a not-proven finding counts 0 of its cases in "Proven"."""
    text = (
        "Twelve officers of the Eastmoor Prison Service were investigated after complaints "
        "from prisoners.\n"
        "Three of the officers received sanctions ranging from a written warning to a final "
        "written warning.\n"
        "Two other officers faced a misconduct hearing, which found the allegations not proven.\n"
    )
    result = _funnel_of(nlp, text, "Eastmoor Prison Service")
    sanctions = result.stage("sanctions")
    assert sanctions.count == 3
    assert sanctions.breakdown == {"written-warning to final-written-warning": 3}
    assert sanctions.cited == [text.splitlines()[1]]
    proven = result.stage("proven")
    assert (proven.count, proven.out_of) == (0, 2)


@pytest.mark.issue(15)
def test_analysis_cli_funnel_and_stats_formats(seed_store):
    """`funnel` and `stats` write CSV, TSV, Markdown and JSON whole: one row a line, every cell
    (a cited sentence too) unshortened; the seed's funnel counts can be read back."""
    import csv
    import io

    runner = CliRunner()
    store = str(seed_store.path)

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--store", store])
        assert result.exit_code == 0, result.output
        return result.stdout

    lines = run("funnel", "SYP", "--format", "csv").splitlines()
    assert lines[0] == "# Accountability funnel: South Yorkshire Police"
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert [(r["stage"], r["count"], r["out_of"]) for r in rows] == [
        ("allegations", "265", ""),
        ("investigated", "47", ""),
        ("case-to-answer", "14", ""),
        ("proven", "0", "1"),
        ("sanctions", "5", ""),
        ("dismissals", "0", ""),
    ]
    assert rows[1]["stated_in"].startswith("Of the 47 officers investigated")
    assert rows[1]["stated_in"].endswith("case to answer for gross misconduct.")  # not shortened
    tsv = run("funnel", "SYP", "--format", "tsv").splitlines()
    assert tsv[1].split("\t") == ["stage", "label", "count", "out_of", "detail", "stated_in"]
    assert tsv[3].split("\t")[:3] == ["investigated", "People investigated", "47"]
    markdown = run("funnel", "SYP", "--format", "markdown")
    assert markdown.startswith("## Accountability funnel: South Yorkshire Police\n\n| stage |")
    assert "| sanctions | Sanctions | 5 |" in markdown
    funnel_json = json.loads(run("funnel", "SYP", "--format", "json"))
    assert [s["count"] for s in funnel_json["stages"]] == [265, 47, 14, 0, 5, 0]

    stats_csv = run("stats", "--top", "3", "--format", "csv").splitlines()
    assert stats_csv[:2] == ["# Nodes by class", "class,count"]
    central_at = stats_csv.index("# Most central entities (by PageRank)")
    assert stats_csv[central_at + 1] == "rank,entity,type,iri,degree,betweenness,pagerank"
    assert len(stats_csv) == central_at + 2 + 3
    counts = class_counts(seed_store)
    stats_json = json.loads(run("stats", "--top", "3", "--format", "json"))
    assert stats_json["classes"] == counts
    assert [c["rank"] for c in stats_json["central"]] == [1, 2, 3]
    assert "## Nodes by class" in run("stats", "--format", "markdown")
    assert run("stats", "--format", "tsv").splitlines()[1] == "class\tcount"
