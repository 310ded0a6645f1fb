"""Lead and partner organisations named in a measure's responsibility text.

Plans name who does what in one free-text cell, as the coordinator typed it: « CJE – SAIM
Services de loisirs », « Table stratégique : CSSBE, Cégep, Accompagnement Québec, etc. »,
a line per name in a Word cell, everything run together once pasted. :func:`names_in` splits
such a text into the names it holds; :class:`OrganisationMatcher` finds which of the table's
organisations each name designates, precise before clever: a name that could be two
organisations is left unmatched for the coordinator, never guessed. Nothing here touches the
database: the caller hands in the table's organisations.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from actionplans.imports.errors import PlanParseError

LEAD, PARTNER = "lead", "partner"

_UPPER = "A-ZÀ-ÖØ-Þ"
# An acronym as plans write them: CJE, SAIM, BCÉ, DÉNB, MRCs (a plural).
_ACRONYM = re.compile(rf"^[{_UPPER}][{_UPPER}0-9&]+s?$")
# A territory written as a qualifier, not an organisation: B-S, N-B, R-C, BS, NB, RC.
_TERRITORY = re.compile(rf"^[{_UPPER}]{{1,2}}(?:-[{_UPPER}]{{1,2}})?$")
# Words that begin an organisation's or a body's name: a capitalised one after a word that
# ends a name starts the next name (« Comité de pilotage Table stratégique »).
_HEADS = {
    "agence",
    "agences",
    "association",
    "carrefour",
    "centre",
    "cegep",
    "chambre",
    "chambres",
    "comite",
    "comites",
    "entreprise",
    "entreprises",
    "ministere",
    "mrc",
    "mrcs",
    "municipalite",
    "municipalites",
    "organisme",
    "organismes",
    "regroupement",
    "service",
    "services",
    "table",
    "tables",
    "ville",
}
# Words that join the parts of one name: the word after them never starts a new name.
_CONNECTORS = {
    "a",
    "au",
    "aux",
    "avec",
    "d'",
    "de",
    "des",
    "du",
    "en",
    "et",
    "la",
    "le",
    "les",
    "l'",
    "ou",
    "par",
    "pour",
    "sur",
}
_ROLE_LABEL = re.compile(
    r"\b(?P<label>responsables?|porteurs?|partenaires?|collaborateurs?)\s*:", re.IGNORECASE
)
_REMARKS = re.compile(
    r"\betc\b\.?|\b(?:à|a) (?:préciser|déterminer|confirmer|venir)\b(?:\s+pour\s+\S+)?",
    re.IGNORECASE,
)
_NOT_NAMES = {"", "so", "s/o", "n/a", "na", "aucun", "aucune"}
# Separators between names: a line break (one name per line in Word), , ; / and dashes set
# apart by a space (« CJE – SAIM », « MFBE- MRC »), never the hyphen inside a name.
_SEPARATORS = re.compile(r"\n|[,;/•]|[–—]|(?<=\S)-\s|\s-(?=\S)|\s-\s")


@dataclass(frozen=True)
class Name:
    """A name as written in the responsibility text, and the role the text gives it."""

    text: str
    role: str


def fold(text):
    """Accent-, case- and spacing-insensitive form of a name: « Cégep » → « cegep »."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return " ".join(text.casefold().split()).strip(" .:-")


def _is_acronym(token, shortest=2):
    letters = token.rstrip("s") if token.endswith("s") else token
    return bool(_ACRONYM.match(token)) and len(letters) >= shortest


def looks_like_acronym(text):
    """« CJE », « BCÉ », « MRCs »: a name written as an acronym."""
    return _is_acronym(text.strip())


def _drop_parentheses(text):
    """Parenthesised remarks go (« (valider thématiques abordées) »); a parenthesised acronym
    stays with its name (« Organismes et entreprises du milieu (OC) »)."""
    pattern = re.compile(r"\(([^()]*)\)")

    def keep_acronym(match):
        inner = match.group(1).strip()
        return f"\x00{inner}\x01" if _is_acronym(inner) else "\n"

    previous = None
    while previous != text:
        previous, text = text, pattern.sub(keep_acronym, text)
    text = text.replace("(", "\n").replace(")", "\n")
    return text.replace("\x00", "(").replace("\x01", ")")


def _drop_colon_labels(text):
    """« Table stratégique : CSSBE, Cégep » names the table then its members; « B-S : Table en
    logement social » is a territory, not a name."""
    parts = re.split(r"\s*:\s*", text)
    kept = []
    for part in parts[:-1]:
        words = part.split()
        if words and _TERRITORY.match(words[-1]):
            words = words[:-1]
        kept.append(" ".join(words))
    kept.append(parts[-1])
    return "\n".join(kept)


def _starts_a_name(previous, token):
    """Whether ``token`` begins a new name although nothing separates it from ``previous``
    (pasted text loses the line breaks of a Word cell)."""
    if fold(previous) in _CONNECTORS or not previous[-1:].isalnum():
        return False
    folded = fold(token)
    if token[:1].isupper() and folded in _HEADS:
        return not previous.isdigit()  # « Les 19 Municipalités » is one name
    if _is_acronym(token, shortest=3):
        # « international SAIM », « DENB CJE »; never « Les 19 SAIM ».
        return previous[:1].islower() or _is_acronym(previous, shortest=3)
    return False


def _split_run_together(piece):
    names, current = [], []
    for token in piece.split():
        if current and _starts_a_name(current[-1], token):
            names.append(current)
            current = []
        pair = re.fullmatch(rf"([{_UPPER}]{{2,}})-([{_UPPER}]{{2,}}.*)", token)
        if pair and not (current and fold(current[-1]) in _CONNECTORS):
            # « CJE-SAIM »: two acronyms; « du PAC-MRC » stays one name.
            if current:
                names.append(current)
            names.append([pair.group(1)])
            current = [pair.group(2)]
            continue
        current.append(token)
    if current:
        names.append(current)
    return [" ".join(words) for words in names]


def _split_on_et(name):
    """« GRT Nouvel Habitat et municipalités » is two names; « Organismes et entreprises du
    milieu » and « Table en développement social NB et RC » are one."""
    parts = re.split(r"\s+et\s+", name)
    if len(parts) == 1:
        return parts
    names = [parts[0]]
    for part in parts[1:]:
        left_words, right_words = names[-1].split(), part.split()
        single_word = len(left_words) == 1 and not _is_acronym(left_words[0])
        territories = _TERRITORY.match(left_words[-1]) and _TERRITORY.match(right_words[0])
        if single_word or territories:
            names[-1] = f"{names[-1]} et {part}"
        else:
            names.append(part)
    return names


def _names_of_section(text):
    text = _drop_parentheses(text)
    text = _REMARKS.sub("\n", text)
    text = _drop_colon_labels(text)
    names = []
    for piece in _SEPARATORS.split(text):
        for name in _split_run_together(piece):
            names += _split_on_et(name)
    cleaned = []
    for name in names:
        name = " ".join(name.split()).strip(" .:-–")
        if fold(name) not in _NOT_NAMES and not name.isdigit():
            cleaned.append(name)
    return cleaned


def names_in(responsibility):
    """The names a responsibility text holds, each once, in order, with its role.

    The first name is the lead and the others partners, unless the text labels them
    (« Responsable : MRC / Partenaires : CJE, SAIM »).
    """
    text = (responsibility or "").replace("\r", "\n")
    labels = list(_ROLE_LABEL.finditer(text))
    if labels:
        sections = []
        if text[: labels[0].start()].strip():
            sections.append((None, text[: labels[0].start()]))
        for label, following in zip(labels, [*labels[1:], None], strict=True):
            end = following.start() if following else len(text)
            partner = fold(label.group("label")).startswith(("part", "coll"))
            role = PARTNER if partner else LEAD
            sections.append((role, text[label.end() : end]))
    else:
        sections = [(None, text)]
    found, seen = [], set()
    for role, section in sections:
        for name in _names_of_section(section):
            if fold(name) in seen:
                continue
            seen.add(fold(name))
            found.append(Name(name, role or (PARTNER if found else LEAD)))
    return found


def _without_parentheses(text):
    return re.sub(r"\s*\([^()]*\)", "", text)


def _match_keys(text):
    """The forms under which a written name may designate an organisation."""
    keys = {fold(text), fold(_without_parentheses(text))}
    keys |= {fold(inner) for inner in re.findall(r"\(([^()]*)\)", text) if _is_acronym(inner)}
    # « Les 19 SAIM » designates the SAIM.
    keys |= {re.sub(r"^(?:(?:les|la|le|l'|des|du)\s*|\d+\s+)+", "", key) for key in keys}
    return {key for key in keys if key}


class OrganisationMatcher:
    """Finds the one organisation, among ``organisations``, a written name designates.

    By acronym or name, ignoring accents, case and a parenthesised part; failing that, an
    organisation whose name begins with the whole name (« Cégep » → « Cégep
    Beauce-Appalaches »). Two candidates at the same step leave the name unmatched.
    """

    def __init__(self, organisations):
        self.organisations = list(organisations)
        self._exact = {}
        for organisation in self.organisations:
            keys = {fold(organisation.name), fold(_without_parentheses(organisation.name))}
            if organisation.acronym:
                keys.add(fold(organisation.acronym))
            for key in keys:
                self._exact.setdefault(key, []).append(organisation)

    def candidates(self, text):
        """The organisations ``text`` may designate: one is a match, more are ambiguous."""
        keys = _match_keys(text)
        exact = {
            organisation.pk: organisation
            for key in keys
            for organisation in self._exact.get(key, [])
        }
        if exact:
            return list(exact.values())
        longest = max(keys, key=len)
        if len(longest) < 3:
            return []
        return [
            organisation
            for organisation in self.organisations
            if fold(_without_parentheses(organisation.name)).startswith(f"{longest} ")
        ]

    def match(self, text):
        candidates = self.candidates(text)
        return candidates[0] if len(candidates) == 1 else None


@dataclass
class NamedOrganisation:
    """A name as the plan writes it, with the measures that name it (``(number, role)``) and,
    when there is exactly one, the table's organisation it designates."""

    text: str
    key: str
    measures: list = field(default_factory=list)
    organisation: object = None
    candidates: list = field(default_factory=list)

    @property
    def measure_numbers(self):
        return ", ".join(number for number, _ in self.measures)


def plan_names(measures, organisations):
    """``(matched, unmatched)``: every name of the measures' responsibility texts, once each in
    order of appearance, with the organisation it designates (``matched``) or none."""
    matcher = OrganisationMatcher(organisations)
    named = {}
    for measure in measures:
        for name in names_in(measure.responsibility):
            key = fold(name.text)
            if key not in named:
                candidates = matcher.candidates(name.text)
                named[key] = NamedOrganisation(
                    text=name.text,
                    key=key,
                    organisation=candidates[0] if len(candidates) == 1 else None,
                    candidates=candidates if len(candidates) > 1 else [],
                )
            named[key].measures.append((measure.number, name.role))
    matched = [name for name in named.values() if name.organisation is not None]
    unmatched = [name for name in named.values() if name.organisation is None]
    return matched, unmatched


@dataclass(frozen=True)
class OrganisationChoice:
    """What the coordinator chose for a name that matched none of the table's organisations:
    ``map`` it to one of them, or ``create`` a new organisation of the table."""

    text: str
    action: str
    organisation_id: int | None = None
    name: str = ""
    acronym: str = ""

    MAP, CREATE = "map", "create"

    @property
    def key(self):
        return fold(self.text)


def measure_links(responsibility, matcher, chosen):
    """``(leads, partners)``: the organisation ids a responsibility text links, lead first.

    ``chosen``: ``{fold(name): organisation id}`` for the names the coordinator mapped or
    created. A name left as text links nothing; an organisation named twice is linked once,
    as lead if it is named as one.
    """
    leads, partners = [], []
    for name in names_in(responsibility):
        organisation = matcher.match(name.text)
        pk = organisation.pk if organisation else chosen.get(fold(name.text))
        if pk is None or pk in leads:
            continue
        if name.role == LEAD:
            if pk in partners:
                partners.remove(pk)
            leads.append(pk)
        elif pk not in partners:
            partners.append(pk)
    return leads, partners


class OrganisationChoiceError(PlanParseError):
    """A coordinator's choice for an unmatched name cannot be applied; nothing is written."""
