"""A seeded, deterministic synthetic corpus of readouts and news reports for the benchmark.

Each document is built from its own `random.Random`, keyed by (seed, index), so the first n
documents of a larger corpus are byte-identical to a corpus of n documents, and generation can
stream straight to disk. Wording lives in bench/data/corpus.yaml; real officials come only from
the project's reference data (when it loads), everyone else in the data file is invented.

    python -m bench.generate OUT_DIR N [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "corpus.yaml"
MIN_WORDS, MAX_WORDS = 400, 600
EARLIEST, LATEST = date(2015, 1, 1), date(2025, 6, 30)
ECHO_SHARE = 0.05  # share of documents reporting the previous document's meeting from the other side
TREATY_SHARE = 0.35  # share of eligible meetings whose text reaffirms a treaty article


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    country: str  # ISO 3166-1 alpha-2
    post: str  # "defence" | "foreign"
    title: str | None = None  # None: drawn from the country's title variants
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class MeetingSpec:
    kind: str
    a: str
    b: str
    people: tuple[Person, ...]  # p1 (A), p2 (B), then p3 (A foreign), p4 (B foreign) or conference guests
    day: date
    published: date


@dataclass(frozen=True)
class Vocabulary:
    data: dict[str, Any]
    officials: dict[tuple[str, str], tuple[Person, ...]]  # (country, post) -> people


def generate_corpus(out_dir: Path, n: int, seed: int = 7) -> list[Path]:
    """Write n documents (`doc-000000.txt` ...) with YAML front matter into out_dir; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    vocabulary = load_vocabulary()
    paths: list[Path] = []
    for index, text in enumerate(iter_documents(n, seed, vocabulary)):
        path = out_dir / f"doc-{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def iter_documents(n: int, seed: int = 7, vocabulary: Vocabulary | None = None) -> Iterator[str]:
    vocabulary = vocabulary or load_vocabulary()
    for index in range(n):
        yield render_document(index, seed, vocabulary)


# ---------------------------------------------------------------- vocabulary


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    people: dict[tuple[str, str], list[Person]] = {}
    for iso2, country in data["countries"].items():
        for entry in country.get("officials", []):
            person = Person(entry["given"], entry["family"], iso2, entry["post"])
            people.setdefault((iso2, person.post), []).append(person)
    for person in reference_people(set(data["countries"])):
        people.setdefault((person.country, person.post), []).append(person)
    frozen = {
        key: tuple(sorted(group, key=lambda p: (p.family, p.given, p.start or EARLIEST)))
        for key, group in sorted(people.items())
    }
    return Vocabulary(data, frozen)


def reference_people(known_countries: set[str]) -> list[Person]:
    """Defence and foreign ministers of the reference data, one Person per term, if it loads."""
    try:
        from kg.reference.load import load_reference

        reference = load_reference()
    except Exception as exc:  # optional for the benchmark: fall back to invented people
        print(f"bench.generate: reference data not used ({type(exc).__name__}: {exc})", file=sys.stderr)
        return []
    people: list[Person] = []
    for official in reference.officials.values():
        country = reference.countries.get(official.country)
        if country is None or country.iso2 not in known_countries or not official.family:
            continue
        for term in official.terms:
            post = reference.posts.get(term.post)
            kind = post_kind(post.kind if post else "")
            if kind:
                people.append(
                    Person(
                        official.given, official.family, country.iso2, kind, term.title, term.start, term.end
                    )
                )
    return people


def post_kind(kind: str) -> str | None:
    if kind in ("defence-minister", "foreign-minister"):
        return kind.split("-")[0]
    return None


# ---------------------------------------------------------------- the meeting


def document_rng(seed: int, index: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def base_spec(index: int, seed: int, vocabulary: Vocabulary) -> tuple[bool, MeetingSpec, random.Random]:
    """The document's own meeting, plus whether it echoes its predecessor; the rng is left for rendering."""
    rng = document_rng(seed, index)
    echo = rng.random() < ECHO_SHARE
    return echo, make_spec(rng, vocabulary), rng


def spec_for(index: int, seed: int, vocabulary: Vocabulary) -> tuple[MeetingSpec, random.Random]:
    echo, spec, rng = base_spec(index, seed, vocabulary)
    if echo and index > 0 and spec.kind in ("telephone", "meeting", "video"):
        previous_echo, previous, _ = base_spec(index - 1, seed, vocabulary)
        if not previous_echo and previous.kind in ("telephone", "meeting", "video"):
            return other_side(previous, rng), rng
    return spec, rng


def other_side(spec: MeetingSpec, rng: random.Random) -> MeetingSpec:
    """The same meeting as the other government reports it."""
    people = (spec.people[1], spec.people[0], *spec.people[2:])
    return replace(
        spec, a=spec.b, b=spec.a, people=people, published=spec.published + timedelta(days=rng.randint(0, 1))
    )


def make_spec(rng: random.Random, vocabulary: Vocabulary) -> MeetingSpec:
    data = vocabulary.data
    kinds = data["kinds"]
    kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
    pair = rng.choices(data["pairs"], weights=[p[2] for p in data["pairs"]])[0]
    a, b = (pair[0], pair[1]) if rng.random() < 0.5 else (pair[1], pair[0])
    post = "foreign" if rng.random() < 0.25 else "defence"
    p1 = pick_person(rng, vocabulary, a, post, None)
    p2 = pick_person(rng, vocabulary, b, post, p1)
    day = meeting_day(rng, p1, p2)
    people: list[Person] = [p1, p2]
    if kind == "twoplustwo":
        people = [
            pick_person(rng, vocabulary, country, post, None)
            for post in ("defence", "foreign")
            for country in (a, b)
        ]
    elif kind == "conference":
        guests = rng.sample([c for c in data["countries"] if c not in (a, b)], rng.randint(1, 3))
        people += [pick_person(rng, vocabulary, c, "defence", None) for c in guests]
    return MeetingSpec(kind, a, b, tuple(people), day, publication_day(rng, kind, day))


def pick_person(
    rng: random.Random, vocabulary: Vocabulary, country: str, post: str, partner: Person | None
) -> Person:
    """Someone in the post; a real official only when his term overlaps the partner's."""
    candidates = vocabulary.officials.get((country, post), ())
    if partner is not None and partner.start is not None:
        candidates = tuple(p for p in candidates if p.start is None or overlap(p, partner))
    return rng.choice(candidates)


def overlap(one: Person, other: Person) -> bool:
    return (term_start(one) <= term_end(other)) and (term_start(other) <= term_end(one))


def term_start(person: Person) -> date:
    return max(person.start or EARLIEST, EARLIEST)


def term_end(person: Person) -> date:
    return min(person.end or LATEST, LATEST)


def meeting_day(rng: random.Random, *people: Person) -> date:
    """A day inside every principal's term (or anywhere in the corpus period for invented people)."""
    first = max(term_start(p) for p in people)
    last = min(term_end(p) for p in people)
    if last < first:
        first, last = EARLIEST, LATEST
    return first + timedelta(days=rng.randint(0, (last - first).days))


def publication_day(rng: random.Random, kind: str, day: date) -> date:
    if kind == "planned":
        return day - timedelta(days=rng.randint(5, 40))
    return day + timedelta(days=rng.choice((0, 0, 1, 1, 1, 2, 3, 5)))


# ---------------------------------------------------------------- the words


def full_name(rng: random.Random, person: Person, family_first: bool) -> str:
    if family_first and rng.random() < 0.3:
        return f"{person.family.upper()} {person.given}"
    return f"{person.given} {person.family}"


def title_of(rng: random.Random, vocabulary: Vocabulary, person: Person) -> str:
    if person.title:
        return person.title
    return str(rng.choice(vocabulary.data["countries"][person.country][f"{person.post}_titles"]))


def first_mention(
    rng: random.Random, vocabulary: Vocabulary, person: Person, apposition: bool = False
) -> str:
    country = vocabulary.data["countries"][person.country]
    title = title_of(rng, vocabulary, person)
    name = full_name(rng, person, bool(country.get("family_first")))
    style = rng.random()
    if style < 0.45:
        return f"{country['adjective']} {title} {name}"
    if style < 0.8 or not apposition:
        return f"{title} {name}"
    return f"{name}, {country['adjective']} {title},"  # only where the sentence goes on after it


def short_mention(rng: random.Random, vocabulary: Vocabulary, person: Person) -> str:
    title = title_of(rng, vocabulary, person)
    word = "Secretary" if "Secretary" in title else "Minister"
    return f"{word} {person.family}" if rng.random() < 0.7 else person.family


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def held_date_text(
    rng: random.Random, months: list[str], weekdays: list[str], day: date, published: date
) -> str:
    """How the text names the day: absolute, without year, or relative to the publication date."""
    month = months[day.month - 1]
    options = [
        f"on {day.day} {month} {day.year}",
        f"on {month} {day.day}, {day.year}",
        f"on {month} {ordinal(day.day)}",
        f"on {day.day} {month}",
    ]
    gap = (published - day).days
    if gap == 0:
        options += ["this morning", "today"]
    elif gap == 1:
        options += ["yesterday", "yesterday"]
    if 1 <= gap <= 6:
        options.append(f"on {weekdays[day.weekday()]}")
    if gap >= 0 and day.month == published.month:
        options.append(f"on the {ordinal(day.day)}")
    return str(rng.choice(options))


def planned_date_text(rng: random.Random, months: list[str], day: date, published: date) -> str:
    month = months[day.month - 1]
    options = [
        f"on {day.day} {month}",
        f"on {month} {day.day}",
        f"in {month}",
        "later this month" if day.month == published.month else "next month",
        f"late {month}",
    ]
    return str(rng.choice(options))


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def natural_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def context(rng: random.Random, vocabulary: Vocabulary, spec: MeetingSpec) -> dict[str, str]:
    data = vocabulary.data
    countries = data["countries"]
    host = countries[spec.a] if rng.random() < 0.6 else countries[spec.b]
    conference, confcity = rng.choice(data["conferences"])
    mentions = [first_mention(rng, vocabulary, p, apposition=i == 0) for i, p in enumerate(spec.people)]
    shorts = [short_mention(rng, vocabulary, p) for p in spec.people]
    date_text = held_date_text(rng, data["months"], data["weekdays"], spec.day, spec.published)
    third = rng.choice([c for c in countries if c not in (spec.a, spec.b)])
    values = {
        "A": countries[spec.a]["name"],
        "B": countries[spec.b]["name"],
        "Aadj": countries[spec.a]["adjective"],
        "Badj": countries[spec.b]["adjective"],
        "C": countries[third]["name"].removeprefix("the "),
        "p1": mentions[0],
        "p2": mentions[1],
        "p1s": shorts[0],
        "p2s": shorts[1],
        "p3": mentions[min(2, len(mentions) - 1)],
        "p4": mentions[min(3, len(mentions) - 1)],
        "plist": natural_join(mentions[1:]),
        "date": date_text,
        "Date": capitalise(date_text),
        "pdate": planned_date_text(rng, data["months"], spec.day, spec.published),
        "place": rng.choice(host["places"]),
        "city": host["capital"],
        "conference": conference,
        "confcity": confcity,
        "n": str(rng.randint(12, 95)),
        "month": rng.choice(data["months"]),
        "weekday": rng.choice(data["weekdays"]),
    }
    values["Who"] = rng.choice(
        ["The two ministers", "Both ministers", "The Ministers", f"{values['p1s']} and {values['p2s']}"]
    )
    return values


def treaty_for(vocabulary: Vocabulary, spec: MeetingSpec) -> dict[str, Any] | None:
    treaties = vocabulary.data["treaties"]
    pair = {spec.a, spec.b}
    nato = set(vocabulary.data["nato_members"])
    for key, treaty in treaties.items():
        if key != "NATO" and set(key.split("-")) == pair:
            return dict(treaty)
    return dict(treaties["NATO"]) if pair <= nato else None


def core_paragraphs(
    rng: random.Random, vocabulary: Vocabulary, spec: MeetingSpec, values: dict[str, str]
) -> list[str]:
    data = vocabulary.data
    lead = rng.choice(data["leads"][spec.kind]).format(**values)
    paragraphs = [lead]
    if spec.kind == "statement":
        return paragraphs
    if spec.kind == "planned":
        agenda = rng.sample(data["agenda"], rng.randint(1, 3))
        return [*paragraphs, " ".join(a.format(**values) for a in agenda)]
    issues = rng.sample(sorted(data["issues"]), rng.randint(2, 5))
    sentences = [rng.choice(data["issues"][issue]).format(**values) for issue in issues]
    while sentences:
        take = rng.randint(1, 2)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    treaty = treaty_for(vocabulary, spec)
    if treaty and rng.random() < TREATY_SHARE:
        article = rng.choice(treaty["forms"])
        sentence = rng.choice(treaty["sentences"]).format(art=article, **values)
        paragraphs.insert(rng.randint(1, len(paragraphs)), capitalise(sentence))
    paragraphs.append(rng.choice(data["closings"]).format(**values))
    return paragraphs


def words(text: str) -> int:
    return len(text.split())


def noise_paragraphs(
    rng: random.Random, vocabulary: Vocabulary, values: dict[str, str], budget: int, target: int
) -> list[str]:
    """Paragraphs of unrelated news that bring the text to about `target` words, never past `budget`."""
    pool = [s.format(**fresh_numbers(rng, vocabulary, values)) for s in vocabulary.data["noise"]]
    rng.shuffle(pool)
    paragraphs: list[list[str]] = []
    used = 0
    for sentence in pool:
        if used >= target:
            break
        if used + words(sentence) > budget:
            continue
        if not paragraphs or len(paragraphs[-1]) >= rng.randint(2, 4):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
        used += words(sentence)
    return [" ".join(p) for p in paragraphs]


def fresh_numbers(rng: random.Random, vocabulary: Vocabulary, values: dict[str, str]) -> dict[str, str]:
    """The values with a new number, month and weekday, so that unrelated sentences do not share them."""
    return {
        **values,
        "n": str(rng.randint(12, 95)),
        "month": rng.choice(vocabulary.data["months"]),
        "weekday": rng.choice(vocabulary.data["weekdays"]),
    }


def title_and_source(
    rng: random.Random, vocabulary: Vocabulary, spec: MeetingSpec, values: dict[str, str], index: int
) -> tuple[str, str]:
    title = capitalise(rng.choice(vocabulary.data["titles"][spec.kind]).format(**values))
    slug = "-".join(title.lower().replace("'", "").replace('"', "").split()[:8])
    source = rng.choice(vocabulary.data["sources"]).format(slug=f"{slug}-{index}", year=spec.published.year)
    return title, source


def render_document(index: int, seed: int, vocabulary: Vocabulary) -> str:
    spec, rng = spec_for(index, seed, vocabulary)
    values = context(rng, vocabulary, spec)
    data = vocabulary.data
    title, source = title_and_source(rng, vocabulary, spec, values, index)
    head = rng.sample(data["headers"], rng.randint(0, 2))
    if rng.random() < 0.5:
        head.append(title)
    foot = rng.sample(data["footers"], rng.randint(0, 2))
    core = core_paragraphs(rng, vocabulary, spec, values)
    fixed = words(" ".join(head + core + foot))
    target = rng.randint(MIN_WORDS, MAX_WORDS) - fixed
    noise = noise_paragraphs(rng, vocabulary, values, MAX_WORDS - fixed, target)
    split = rng.randint(0, len(noise))
    body = [*head, core[0], *noise[:split], *core[1:], *noise[split:], *foot]
    front = (
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nsource: {source}\n"
        f"published: {spec.published.isoformat()}\n---\n"
    )
    return front + "\n\n".join(body) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = generate_corpus(args.out_dir, args.n, args.seed)
    print(f"{len(paths)} documents in {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
