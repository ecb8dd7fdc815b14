"""The reference compiler on small made-up sources: names, terms, errors; the CLI; the shapes."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import ReferenceDataError
from kg.namespaces import ID, ORG, RDO, SCHEMA
from kg.reference.compile import OUTPUT_FILES, compile_reference, compile_to_strings
from kg.reference.load import load_reference, reference_graph
from kg.resources import ontology_dir, reference_dir

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

COUNTRIES = """
- {iso2: ZZ, label: Zedland, adjectives: [Zedish], name_order: given-first-reversible}
- {iso2: YY, label: Whyland, name_order: family-first}
- {iso2: "NO", label: Norway}
"""
MINISTRIES = """
- {country: ZZ, kind: defence, label: Zed Defence Office, names: [ZDO], source: "https://zed.example/defence"}
- {country: YY, kind: foreign, label: Why Foreign Office, source: "https://why.example/foreign"}
"""
POSTS = """
- {country: ZZ, kind: defence-minister, ministry: defence, label: Zed Defence Minister,
   title: Minister of Defence, titles: [Defence Minister], source: "https://zed.example/list"}
- {country: YY, kind: foreign-minister, ministry: foreign, label: Why Foreign Minister,
   title: Foreign Minister, source: "https://why.example/list"}
"""
TREATIES = """
- {key: zed-why, label: Treaty between Zedland and Whyland, short: Zed-Why Treaty, names: [ZWT],
   parties: [ZZ, YY], date: 1999-01-02, articles: 3, sources: ["https://zed.example/treaty"],
   article_notes: {2: the second article}}
"""
ZZ_OFFICIALS = """
people:
  Anna Bell-Gray Jr.: {aliases: [A. Bell-Gray]}
  Carl van Dam: {family: van Dam}
terms:
  defence-minister:
    - [Anna Bell-Gray Jr., 2001-02-03, 2004-05-06]
    - [Carl van Dam, 2004-05-06, 2004-06-01, {acting: true}]
    - [Anna Bell-Gray Jr., 2004-06-01, null, {title: Minister of Defence and Veterans}]
"""
YY_OFFICIALS = """
terms:
  foreign-minister:
    - [Pak Min-su, 2010-01-01, 2012-12-31, {source: "https://why.example/pak"}]
"""


def write_sources(root: Path, **overrides: str) -> Path:
    src = root / "src"
    (src / "officials").mkdir(parents=True)
    files = {
        "countries.yaml": COUNTRIES, "ministries.yaml": MINISTRIES, "posts.yaml": POSTS,
        "treaties.yaml": TREATIES, "officials/zz.yaml": ZZ_OFFICIALS, "officials/yy.yaml": YY_OFFICIALS,
    }
    files.update({name.replace("__", "/") + ".yaml": text for name, text in overrides.items()})
    for name, text in files.items():
        (src / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return src


@pytest.fixture()
def compiled(tmp_path: Path) -> Graph:
    src = write_sources(tmp_path)
    written = compile_reference(src, tmp_path)
    graph = Graph()
    for path in written.values():
        graph.parse(path)
    return graph


def test_official_names_and_terms(compiled: Graph) -> None:
    anna = ID["person/anna-bell-gray"]
    assert compiled.value(anna, SCHEMA.familyName) == Literal("Bell-Gray")
    assert compiled.value(anna, SCHEMA.givenName) == Literal("Anna")
    alt = {str(o) for o in compiled.objects(anna, SKOS.altLabel)}
    assert {"Anna Bell-Gray", "Bell-Gray Anna", "BELL-GRAY Anna", "A. Bell-Gray"} <= alt
    # The latest term's title is the official's title.
    assert compiled.value(anna, RDO.title) == Literal("Minister of Defence and Veterans")
    carl = ID["person/carl-van-dam"]
    assert compiled.value(carl, SCHEMA.familyName) == Literal("van Dam")
    acting = ID["membership/carl-van-dam/zz-defence-minister/2004-05-06"]
    assert compiled.value(acting, RDO.title) == Literal("Acting Minister of Defence")
    assert compiled.value(acting, RDO.acting) == Literal(True)
    assert compiled.value(acting, RDO.endDate) == Literal("2004-06-01", datatype=XSD_DATE)


def test_family_first_names_get_hyphen_and_order_variants(compiled: Graph) -> None:
    pak = ID["person/pak-min-su"]
    assert compiled.value(pak, SCHEMA.familyName) == Literal("Pak")
    alt = {str(o) for o in compiled.objects(pak, SKOS.altLabel)}
    assert {"Pak Min Su", "Pak Minsu", "PAK Min-su", "Min-su Pak"} <= alt
    term = ID["membership/pak-min-su/yy-foreign-minister/2010-01-01"]
    assert compiled.value(term, ORG.organization) == ID["ministry/yy-foreign"]
    assert str(compiled.value(term, URIRef("http://purl.org/dc/terms/source"))) == "https://why.example/pak"


def test_open_term_has_no_end(compiled: Graph) -> None:
    current = ID["membership/anna-bell-gray/zz-defence-minister/2004-06-01"]
    assert compiled.value(current, RDO.endDate) is None
    interval = compiled.value(current, ORG.memberDuring)
    assert compiled.value(interval, URIRef("http://www.w3.org/2006/time#hasEnd")) is None


def test_treaty_articles_and_quoted_norway(compiled: Graph) -> None:
    treaty = ID["treaty/zed-why"]
    numbers = sorted(
        n.toPython() for n in compiled.objects(None, RDO.articleNumber) if isinstance(n, Literal)
    )
    assert numbers == [1, 2, 3]
    assert compiled.value(ID["treaty/zed-why/article/2"], RDO.ofTreaty) == treaty
    assert (ID["country/NO"], RDO.isoCode, Literal("NO")) in compiled


def test_loader_reads_the_compiled_files(tmp_path: Path) -> None:
    src = write_sources(tmp_path)
    paths = list(compile_reference(src, tmp_path).values())
    ref = load_reference(paths)
    anna = ref.officials[str(ID["person/anna-bell-gray"])]
    assert anna.names[0] == "Anna Bell-Gray Jr."
    assert [t.acting for t in anna.terms] == [False, False]
    post = ref.posts[str(ID["post/zz-defence-minister"])]
    assert (post.kind, post.titles) == ("defence-minister", ("Defence Minister", "Minister of Defence"))
    assert ref.ministries[str(ID["ministry/zz-defence"])].kind == "defence"
    assert len(reference_graph(paths)) > 50


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"officials__zz": "terms:\n  defence-minister:\n    - [X Y, 2005-01-01, 2004-01-01]\n"},
         "ends before it starts"),
        ({"officials__zz": "terms:\n  head-of-state:\n    - [X Y, 2005-01-01, null]\n"}, "no post"),
        ({"officials__zz": "terms:\n  defence-minister:\n    - [X Y, 2005-13-01, null]\n"}, "YYYY-MM-DD"),
        ({"countries": "- {iso2: NO, label: Norway}\n"}, "ISO 3166"),
        ({"ministries": "- {country: ZZ, kind: navy, label: N, source: x}\n"}, "unknown kind"),
        ({"posts": "- {country: ZZ, kind: x, ministry: defence}\n"}, "missing 'label'"),
        ({"treaties": "- [unclosed\n"}, "not valid YAML"),
        ({"officials__zz": "people:\n  Nobody Here: {}\nterms: {}\n"}, "people without terms"),
    ],
)
def test_bad_sources_raise_an_error_naming_the_file(
    tmp_path: Path, override: dict[str, str], message: str
) -> None:
    src = write_sources(tmp_path, **override)
    with pytest.raises(ReferenceDataError, match=message):
        compile_to_strings(src)


def test_a_failed_compile_writes_nothing(tmp_path: Path) -> None:
    src = write_sources(tmp_path, officials__zz="terms:\n  nope:\n    - [X Y, 2005-01-01, null]\n")
    with pytest.raises(ReferenceDataError):
        compile_reference(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_compile_and_check(tmp_path: Path) -> None:
    from kg.cli import cli

    src = write_sources(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["reference", "compile", "--src", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "officials.ttl").is_file()
    check = runner.invoke(cli, ["reference", "compile", "--src", str(src), "-o", str(out), "--check"])
    assert check.exit_code == 0, check.output
    (out / "posts.ttl").write_text("# edited by hand\n", encoding="utf-8")
    stale = runner.invoke(cli, ["reference", "compile", "--src", str(src), "-o", str(out), "--check"])
    assert stale.exit_code != 0 and "posts" in stale.output


def test_the_project_sources_compile_like_the_committed_turtle(tmp_path: Path) -> None:
    shutil.copytree(reference_dir() / "src", tmp_path / "src")
    written = compile_reference(tmp_path / "src", tmp_path)
    for name, path in written.items():
        assert path.read_bytes() == (reference_dir() / f"{name}.ttl").read_bytes(), name


@pytest.mark.skipif(not (ontology_dir() / "shapes.ttl").is_file(), reason="no ontology/shapes.ttl yet")
def test_reference_data_conforms_to_the_shapes() -> None:
    from kg.validate import validate_graph

    ours = [reference_dir() / f"{name}.ttl" for name in OUTPUT_FILES]
    report = validate_graph(reference_graph(ours))
    assert report.conforms, report.violations[:5]
