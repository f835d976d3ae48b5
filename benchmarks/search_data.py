"""Synthetic catalogue records for ``search.py``: municipal Swedish, streamed as dicts.

Kept apart from the measuring so each file has one job: this one makes data (its time is
measured and left out of the engine figures), ``search.py`` feeds and queries the engines.

What a record looks like (the shape of ``samarkiv.access.search.documents``): a case or a
document of one AIP (about 40 records per AIP), a registration number like
"KS 2019/1234" with the records creator's prefix, dates 1990-2025, one of 16 tenants
(the default cooperation of ``samarkiv.catalog.tenants``, larger municipalities holding
more), a KLASSA-style classification code, a document type, PUIDs of linked files, a
title "<document type> om <subject>" and a body of 30-250 words: sentences drawn from a
vocabulary of municipal nouns in all their inflections (so stemming matters), verbs,
adjectives and function words, plus parties' names and a case officer. Word frequencies
follow a Zipf-like curve, as real text does, so some words are in most records and some
in few. Everything comes from one seeded ``random.Random``: the same N gives the same
records.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate

from samarkiv.catalog.tenants import DEFAULT_HOST, DEFAULT_MEMBERS, slug


def _split(words: str) -> list[str]:
    return words.split()


# One noun per line: its forms (indefinite/definite, singular/plural) as they occur.
NOUNS = """
ärende ärendet ärenden ärendena
beslut beslutet besluten
ansökan ansökningar ansökningarna
förskola förskolan förskolor förskolorna
skola skolan skolor skolorna
äldreomsorg äldreomsorgen
hemtjänst hemtjänsten
bygglov bygglovet
detaljplan detaljplanen detaljplaner detaljplanerna
nämnd nämnden nämnder nämnderna
protokoll protokollet protokollen
yttrande yttrandet yttranden yttrandena
avtal avtalet avtalen
upphandling upphandlingen upphandlingar upphandlingarna
budget budgeten budgetar
fastighet fastigheten fastigheter fastigheterna
tillbyggnad tillbyggnaden tillbyggnader
strandskydd strandskyddet
dispens dispensen dispenser
bistånd biståndet
vårdnadshavare vårdnadshavaren vårdnadshavarna
elev eleven elever eleverna
barn barnet barnen
placering placeringen placeringar placeringarna
avgift avgiften avgifter avgifterna
taxa taxan taxor taxorna
tillsyn tillsynen
livsmedelskontroll livsmedelskontrollen
kontroll kontrollen kontroller
miljö miljön
avfall avfallet
vatten vattnet
avlopp avloppet avloppen
gata gatan gator gatorna
park parken parker
trafik trafiken
parkering parkeringen parkeringar
bidrag bidraget bidragen
förening föreningen föreningar föreningarna
bibliotek biblioteket
kultur kulturen
idrottsanläggning idrottsanläggningen idrottsanläggningar
personal personalen
anställning anställningen anställningar
lön lönen löner lönerna
rekrytering rekryteringen
arbetsmiljö arbetsmiljön
delegation delegationen
kommunstyrelse kommunstyrelsen
kommunfullmäktige
motion motionen motioner motionerna
medborgarförslag medborgarförslaget
remiss remissen remisser
överklagande överklagandet överklaganden
förvaltningsrätt förvaltningsrätten
länsstyrelse länsstyrelsen
samråd samrådet
granskning granskningen
utredning utredningen utredningar utredningarna
rapport rapporten rapporter
uppföljning uppföljningen
handlingsplan handlingsplanen
riktlinje riktlinjen riktlinjer riktlinjerna
arkiv arkivet
gallring gallringen
socialtjänst socialtjänsten
försörjningsstöd försörjningsstödet
familjehem familjehemmet familjehemmen
boende boendet
lägenhet lägenheten lägenheter
färdtjänst färdtjänsten
skolskjuts skolskjutsen
fritidshem fritidshemmet
grundskola grundskolan grundskolor
gymnasieskola gymnasieskolan
betyg betyget betygen
kommun kommunen kommuner
invånare invånaren invånarna
bostadsanpassning bostadsanpassningen
serveringstillstånd serveringstillståndet
markanvändning markanvändningen
översiktsplan översiktsplanen
""".strip().splitlines()
VERBS = _split(
    "beviljas avslås beslutar godkänner återremitteras bordläggs föreslår yttrar "
    "anmäler överklagar fastställer antar upphävs utreds redovisas"
)
ADJECTIVES = _split(
    "kommunal kommunala ny nya tillfällig tillfälliga särskild särskilda enskild "
    "enskilda allmän allmänna ekonomiskt årlig"
)
FUNCTION = _split("och i om för av till med på att som enligt inom under från vid")
DOCUMENT_TYPES = _split(
    "Ansökan Beslut Protokoll Yttrande Skrivelse Delegationsbeslut Avtal "
    "Tjänsteskrivelse Kallelse Rapport Anmälan Överklagande"
)
CREATORS = (  # (name, registration number prefix, classification codes)
    ("Kommunstyrelsen", "KS", ("1.1", "1.2", "1.3", "2.1", "2.2")),
    ("Barn- och utbildningsnämnden", "BUN", ("5.1", "5.2", "5.3", "5.4")),
    ("Socialnämnden", "SN", ("6.1", "6.2", "6.3", "6.4")),
    ("Byggnadsnämnden", "BN", ("4.1", "4.2", "4.3")),
    ("Tekniska nämnden", "TN", ("7.1", "7.2", "7.3")),
    ("Kultur- och fritidsnämnden", "KFN", ("8.1", "8.2")),
    ("Miljö- och hälsoskyddsnämnden", "MHN", ("9.1", "9.2", "9.3")),
    ("Vård- och omsorgsnämnden", "VON", ("6.5", "6.6", "6.7")),
)
PUIDS = ("fmt/95", "fmt/354", "fmt/276", "fmt/18", "fmt/412", "fmt/290", "fmt/101", "x-fmt/111")
FIRST = _split("Anna Erik Maria Lars Karin Anders Eva Johan Kerstin Per Lena Nils Sara Olof Ingrid")
LAST = _split("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson")

TENANTS = [slug(short) for short, _name in (DEFAULT_HOST, *DEFAULT_MEMBERS)]
TENANT_WEIGHTS = [
    10 if t == "lund" else 5 if t in ("landskrona", "trelleborg") else 1.5 for t in TENANTS
]
RECORDS_PER_AIP = 40
FIRST_DAY, DAYS = date(1990, 1, 1), (date(2025, 12, 31) - date(1990, 1, 1)).days


def _zipf(n: int, s: float = 0.9) -> list[float]:
    return list(accumulate(1 / (rank + 1) ** s for rank in range(n)))


class Generator:
    """Seeded records; ``records(n)`` streams them, ``queries`` samples search terms."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.nouns = [line.split() for line in NOUNS]
        self.rng.shuffle(self.nouns)
        self.noun_weights = _zipf(len(self.nouns))
        # one flat vocabulary, so a whole body is one rng.choices call
        weights: dict[str, float] = {}
        shares = [1 / (rank + 1) ** 0.9 for rank in range(len(self.nouns))]
        for forms, share in zip(self.nouns, shares, strict=True):
            for form in forms:
                weights[form] = weights.get(form, 0) + 0.45 * share / sum(shares) / len(forms)
        for pool, part in ((FUNCTION, 0.35), (VERBS, 0.1), (ADJECTIVES, 0.1)):
            for word in pool:
                weights[word] = weights.get(word, 0) + part / len(pool)
        self.vocabulary = list(weights)
        self.vocabulary_cum = list(accumulate(weights.values()))

    def noun(self) -> str:
        forms = self.rng.choices(self.nouns, cum_weights=self.noun_weights)[0]
        return self.rng.choice(forms)

    def body(self, words: int) -> str:
        """``words`` words in sentences of about ten (a capital, a full stop)."""
        drawn = self.rng.choices(self.vocabulary, cum_weights=self.vocabulary_cum, k=words)
        sentences = [" ".join(drawn[i : i + 10]) for i in range(0, words, 10)]
        return " ".join(s[:1].upper() + s[1:] + "." for s in sentences)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def records(self, n: int) -> Iterator[dict]:
        """``n`` index documents (dicts of ``DOC_FIELDS``), AIP by AIP."""
        rng = self.rng
        made = 0
        while made < n:
            tenant = rng.choices(TENANTS, weights=TENANT_WEIGHTS)[0]
            creator, prefix, codes = rng.choice(CREATORS)
            aip_id = f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
            for i in range(min(RECORDS_PER_AIP, n - made)):
                yield self._record(tenant, creator, prefix, codes, aip_id, i)
                made += 1

    def _record(self, tenant, creator, prefix, codes, aip_id, i) -> dict:
        rng = self.rng
        start = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        end = start + timedelta(days=rng.randrange(400)) if rng.random() < 0.5 else None
        kind = "case" if i % 4 == 0 else "document"
        doc_type = rng.choice(DOCUMENT_TYPES)
        body = self.body(int(min(250, max(30, rng.lognormvariate(4.5, 0.45)))))
        parties = " ".join(self.person() for _ in range(rng.randint(0, 2)))
        formats = [] if kind == "case" else rng.sample(PUIDS, rng.choice((1, 1, 1, 2)))
        return {
            "record_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "aip_id": aip_id,
            "tenant": tenant,
            "kind": kind,
            "title": f"{doc_type} om {self.noun()} {rng.choice(FUNCTION)} {self.noun()}",
            "registration_number": f"{prefix} {start.year}/{rng.randint(1, 2000)}",
            "body": f"{body} {parties} Handläggare: {self.person()}.",
            "records_creator": creator,
            "classification": rng.choice(codes),
            "document_type": doc_type,
            "formats": formats,
            "date_start": start,
            "date_end": end,
            "year": start.year,
        }

    # --- queries: drawn from the same vocabulary, so most have hits ------------------

    def word(self) -> str:
        return self.noun()

    def phrase(self) -> str:
        """A title-like phrase ("beslut om bygglov") that records really contain."""
        return f'"{self.rng.choice(DOCUMENT_TYPES).lower()} om {self.noun()}"'

    def prefix(self) -> str:
        word = self.noun()
        return word[: self.rng.randint(4, max(4, min(7, len(word) - 1)))] + "*"

    def tenant(self) -> str:
        return self.rng.choices(TENANTS, weights=TENANT_WEIGHTS)[0]

    def facet_filter(self) -> dict[str, tuple[str, ...]]:
        year = self.rng.randrange(1990, 2026)
        return {
            "document_type": (self.rng.choice(DOCUMENT_TYPES),),
            "period": (str(year // 10 * 10),),
        }
