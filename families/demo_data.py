"""The demo neighbourhood, as plain data: two teams, their carers, the people they support and
their circles. ``python manage.py seed_demo`` turns it into records through the services.

Every entry has a short ``key`` so later demo data (notes, the rota) can refer to it.
Phone numbers come from Ofcom's ranges kept for drama (07700 900xxx, 020 7946 0xxx,
0113 496 0xxx) and email addresses use reserved domains, so nobody real is ever contacted.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from families.models import CircleMember

# Published on purpose: it only ever opens demo accounts on a demo database.
DEMO_PASSWORD = "kith-demo-1"  # noqa: S105
SITE_URL = "http://127.0.0.1:8000"

FAMILY = CircleMember.Kind.FAMILY
FRIEND = CircleMember.Kind.FRIEND
PROFESSIONAL = CircleMember.Kind.PROFESSIONAL


@dataclass(frozen=True)
class Carer:
    key: str
    name: str
    email: str
    phone: str
    role_label: str = ""
    language: str = ""  # the language they use Kith in, when not English


@dataclass(frozen=True)
class Circle:
    """One place in a person's circle. ``account`` names an entry in ``ACCOUNTS``: that
    account takes the place through a real invitation."""

    name: str
    kind: str
    relationship: str
    phone: str = ""
    email: str = ""
    account: str = ""


@dataclass(frozen=True)
class Supported:
    key: str
    full_name: str
    preferred_name: str
    pronouns: str
    coordinator: str  # a Carer key in the same team
    about_me: str
    what_matters: str
    how_to_support: str
    circle: tuple[Circle, ...] = ()
    account: str = ""  # an ACCOUNTS key when the person uses Kith themself


@dataclass(frozen=True)
class Account:
    """Someone who is not a carer but signs in: family, a professional, the person themself."""

    key: str
    name: str
    email: str
    phone: str = ""
    language: str = ""  # the language they use Kith in, when not English
    larger_text: bool = False


@dataclass(frozen=True)
class TeamData:
    key: str
    name: str
    area: str
    carers: tuple[Carer, ...]
    people: tuple[Supported, ...] = field(default=())


# Accounts for people outside the teams -------------------------------------------------------

ACCOUNTS: tuple[Account, ...] = (
    Account("sarah", "Sarah Hughes", "sarah@kith.example", "07700 900412"),
    Account("nina", "Nina Kowalski", "nina@kith.example", "07700 900518"),
    Account("george", "George Mensah", "george@kith.example", "07700 900233"),
    Account("tom", "Tom Walsh", "tom@kith.example", "07700 900671"),
    Account("linda", "Linda Fletcher", "linda@kith.example", "07700 900754"),
    # Gwen reads Kith in Welsh; her niece Lowri, who grew up in England, in English.
    Account(
        "gwen", "Gwen Morgan", "gwen@kith.example", "07700 900810", language="cy", larger_text=True
    ),
    Account("lowri", "Lowri Morgan", "lowri@kith.example", "07700 900812"),
)

# The professionals several people share: one surgery, one district nursing team.
_NINA = Circle(
    "Nina Kowalski",
    PROFESSIONAL,
    "district nurse",
    "020 7946 0311",
    "nina@kith.example",
    account="nina",
)
_DR_SHARMA = Circle(
    "Dr Anil Sharma", PROFESSIONAL, "GP, Old Town Surgery", "020 7946 0100", "surgery@example.org"
)
_DR_LEWIS = Circle("Dr Rachel Lewis", PROFESSIONAL, "GP, Riverside Health Centre", "020 7946 0200")
_HANNAH_PHYSIO = Circle(
    "Hannah Price", PROFESSIONAL, "physiotherapist", "020 7946 0420", "hannah.price@example.org"
)
_LIAM_OT = Circle(
    "Liam Fraser",
    PROFESSIONAL,
    "occupational therapist",
    "020 7946 0433",
    "liam.fraser@example.org",
)
_RUTH_SW = Circle(
    "Ruth Adeyemi", PROFESSIONAL, "social worker", "020 7946 0512", "ruth.adeyemi@example.org"
)


# Riverside ------------------------------------------------------------------------------------

RIVERSIDE_CARERS: tuple[Carer, ...] = (
    Carer("angela", "Angela Okafor", "angela@kith.example", "07700 900101"),
    Carer("priya", "Priya Shah", "priya@kith.example", "07700 900102", "rota lead this month"),
    Carer("gareth", "Gareth Llewellyn", "gareth@kith.example", "07700 900103", "new starter buddy"),
    Carer("kasia", "Kasia Nowicka", "kasia@kith.example", "07700 900104"),
    Carer("darren", "Darren Mitchell", "darren@kith.example", "07700 900105"),
    # Grew up in Cardiff and went to a Welsh school: Gwen's coordinator, using Kith in Welsh.
    Carer("mei", "Mei Lin Chen", "mei@kith.example", "07700 900106", language="cy"),
    Carer("yusuf", "Yusuf Ahmed", "yusuf@kith.example", "07700 900107"),
    Carer("bethany", "Bethany Hale", "bethany@kith.example", "07700 900108"),
)

RIVERSIDE_PEOPLE: tuple[Supported, ...] = (
    Supported(
        key="jean",
        full_name="Jean Margaret Hughes",
        preferred_name="Jean",
        pronouns="she/her",
        coordinator="angela",
        about_me=(
            "I'm Jean. I was a school secretary at St Mary's for thirty years, so I know half "
            "of Old Town by their first names. I've lived in this house since 1968. My memory "
            "isn't what it was, and I have dementia, but I still know a good cup of tea when I "
            "taste one."
        ),
        what_matters=(
            "My garden, especially the roses my husband Ken planted. Sarah's phone call every "
            "evening. Going to the Thursday club at the church hall. My cat, Biscuit."
        ),
        how_to_support=(
            "Tell me who you are when you come in, even if you came yesterday. Let me do things "
            "for myself, even if I'm slow. If I get upset in the late afternoon, talk to me "
            "about the garden and we'll sit outside. Milk in first, one sugar."
        ),
        circle=(
            Circle(
                "Sarah Hughes",
                FAMILY,
                "daughter",
                "07700 900412",
                "sarah@kith.example",
                account="sarah",
            ),
            Circle("David Hughes", FAMILY, "son, lives in Leeds", "0113 496 0321"),
            Circle("Pat Doyle", FRIEND, "next-door neighbour, has a key", "020 7946 0987"),
            _NINA,
            _DR_SHARMA,
            _RUTH_SW,
        ),
    ),
    Supported(
        key="george",
        full_name="George Kwame Mensah",
        preferred_name="George",
        pronouns="he/him",
        coordinator="priya",
        account="george",
        about_me=(
            "I'm George. I drove the number 38 bus for 27 years. Last winter I had a stroke. "
            "My right side is weaker and sometimes my words come out slowly, but my head is "
            "clear. I use this app on my tablet to see who is coming."
        ),
        what_matters=(
            "Getting back to church on Sundays. Watching the football with my son Kwame. "
            "Doing my own shopping list. Being treated like the man I am, not a patient."
        ),
        how_to_support=(
            "Give me time to find my words; please don't finish my sentences. Stand on my left "
            "side. Help me with my physio exercises after breakfast. Ask me before you move "
            "anything in the kitchen."
        ),
        circle=(
            Circle("Abena Mensah", FAMILY, "wife", "07700 900234"),
            Circle("Kwame Mensah", FAMILY, "son", "07700 900235", "kwame.mensah@example.com"),
            _HANNAH_PHYSIO,
            _LIAM_OT,
            Circle(
                "Joy Bamidele",
                PROFESSIONAL,
                "speech and language therapist",
                "020 7946 0440",
            ),
            _DR_LEWIS,
        ),
    ),
    Supported(
        key="peggy",
        full_name="Margaret Walsh",
        preferred_name="Peggy",
        pronouns="she/her",
        coordinator="kasia",
        about_me=(
            "I'm Peggy. I'm 84 and I've had a good life. I have cancer and I know I haven't "
            "long. I've chosen to stay at home, in my own bed, by the window where I can see "
            "the river."
        ),
        what_matters=(
            "Being comfortable and not in pain. My son Tom and my grandchildren close by. "
            "Irish music on the radio. Father Brendan coming on Fridays. Dying here, at home."
        ),
        how_to_support=(
            "Be gentle when you move me, and tell me first. Keep my lips moist and the window "
            "open a little. If I'm sleeping, let me sleep. Sit and hold my hand if I'm awake "
            "and want company. Call Tom at any hour if things change."
        ),
        circle=(
            Circle("Tom Walsh", FAMILY, "son", "07700 900671", "tom@kith.example", account="tom"),
            Circle("Aoife Walsh", FAMILY, "granddaughter", "07700 900672"),
            Circle("Father Brendan Kelly", FRIEND, "parish priest", "020 7946 0777"),
            _NINA,
            Circle(
                "Claire Dunmore",
                PROFESSIONAL,
                "palliative care nurse, St Anne's Hospice",
                "020 7946 0650",
            ),
            _DR_SHARMA,
        ),
    ),
    Supported(
        key="ryan",
        full_name="Ryan Fletcher",
        preferred_name="Ryan",
        pronouns="he/him",
        coordinator="gareth",
        about_me=(
            "I'm Ryan. I'm 34. I have a learning disability. I live in my own flat on Mill "
            "Lane. I work at the Riverside Café on Tuesdays and Thursdays. I support Riverside "
            "Rovers."
        ),
        what_matters=(
            "My job at the café. Going to the match with my mate Jordan. My mum. Having my own "
            "money and my own key. Bowling on Friday nights."
        ),
        how_to_support=(
            "Use short words and show me. Help me with my money and my letters. Remind me about "
            "my tablets in the morning. Don't talk to Mum about me when I'm there like I'm not "
            "there. I make my own choices."
        ),
        circle=(
            Circle(
                "Linda Fletcher",
                FAMILY,
                "mum",
                "07700 900754",
                "linda@kith.example",
                account="linda",
            ),
            Circle("Jordan Ellis", FRIEND, "best mate", "07700 900755"),
            Circle(
                "Sam Okonjo",
                PROFESSIONAL,
                "community learning disability nurse",
                "020 7946 0530",
            ),
            _RUTH_SW,
        ),
    ),
    Supported(
        key="arthur",
        full_name="Arthur Bennett",
        preferred_name="Arthur",
        pronouns="he/him",
        coordinator="gareth",
        about_me=(
            "I'm Arthur. I was an engineer on the railways. I've had Parkinson's for nine years. "
            "Some days I move well, some days I freeze in doorways. Joan and I have been married "
            "for 55 years."
        ),
        what_matters=(
            "My model railway in the spare room. Looking after Joan as much as she looks after "
            "me. My tablets on time, every time. The crossword in the paper."
        ),
        how_to_support=(
            "My tablets must be on time, to the minute: it makes all the difference. If I "
            "freeze, don't pull me. Count 'one, two, three, step' with me. I speak quietly, so "
            "please come close to hear me."
        ),
        circle=(
            Circle("Joan Bennett", FAMILY, "wife", "020 7946 0861"),
            Circle("Helen Marsh", FAMILY, "daughter", "07700 900862", "helen.marsh@example.com"),
            Circle(
                "Grace Thompson",
                PROFESSIONAL,
                "Parkinson's nurse specialist",
                "020 7946 0470",
            ),
            _HANNAH_PHYSIO,
            _DR_LEWIS,
        ),
    ),
    Supported(
        key="gwen",
        full_name="Gwendolyn Morgan",
        preferred_name="Gwen",
        pronouns="she/her",
        coordinator="mei",
        account="gwen",
        about_me=(
            "I'm Gwen, from Swansea, though I've lived here forty years. Welsh is my first "
            "language and I read Kith in Welsh, with the big letters on. I have macular "
            "degeneration, so I see the edges of things but not faces. I sang in a choir for "
            "most of my life and I still do."
        ),
        what_matters=(
            "Choir practice on Wednesdays. My talking books. Keeping my home the way I know it, "
            "so I can find everything. A chat on the phone with my sister Bron."
        ),
        how_to_support=(
            "Say your name as you come in. Put things back exactly where they were. Tell me "
            "what's on the plate, like a clock: potatoes at six o'clock. Read my post to me, "
            "but let me decide what to do about it."
        ),
        circle=(
            Circle("Bronwen Davies", FAMILY, "sister, lives in Swansea", "07700 900811"),
            Circle(
                "Lowri Morgan",
                FAMILY,
                "niece, lives nearby",
                "07700 900812",
                "lowri@kith.example",
                account="lowri",
            ),
            Circle("Maureen Pike", FRIEND, "friend from choir", "020 7946 0813"),
            Circle(
                "Imran Qureshi",
                PROFESSIONAL,
                "sensory rehabilitation officer",
                "020 7946 0545",
            ),
        ),
    ),
    Supported(
        key="alex",
        full_name="Alex Nowak",
        preferred_name="Alex",
        pronouns="they/them",
        coordinator="yusuf",
        about_me=(
            "I'm Alex. I'm 19 and autistic. I'm studying computing at Riverside College. I moved "
            "into my own flat this year, which is a big change. I like trains, coding and my "
            "rabbit, Pixel."
        ),
        what_matters=(
            "Knowing what is happening and when. The same people coming, not strangers. Quiet. "
            "Finishing my course. Gaming with my friends online in the evenings."
        ),
        how_to_support=(
            "Message me before you come, and come when you said. Please don't make small talk "
            "or touch me without asking. Say exactly what you mean. If I go quiet, give me "
            "space; it doesn't mean I'm cross."
        ),
        circle=(
            Circle("Ewa Nowak", FAMILY, "mum", "07700 900921", "ewa.nowak@example.com"),
            Circle("Marek Nowak", FAMILY, "brother", "07700 900922"),
            Circle(
                "Chris Barton",
                PROFESSIONAL,
                "transition social worker",
                "020 7946 0515",
            ),
        ),
    ),
    Supported(
        key="dennis",
        full_name="Dennis Clarke",
        preferred_name="Den",
        pronouns="he/him",
        coordinator="angela",
        about_me=(
            "I'm Den. My wife Barbara died in April after 58 years together. I'm 81. I've got "
            "a bad hip and I'm not much of a cook; Barbara did all that. The house feels very "
            "quiet now."
        ),
        what_matters=(
            "Barbara's photos where I can see them. My daughter Karen's video call from "
            "Australia on Sunday mornings. The bowls club, when I can face it. Not being a "
            "burden."
        ),
        how_to_support=(
            "It's alright to talk about Barbara; I like to. Some days I just want company more "
            "than help. Nudge me to eat a proper meal. Help me with the forms and the bank, "
            "that was always her side of things."
        ),
        circle=(
            Circle("Karen Ashby", FAMILY, "daughter, lives in Perth, Australia", "07700 900931"),
            Circle("Stan Hubbard", FRIEND, "friend from the bowls club", "020 7946 0932"),
            Circle(
                "Jenny Rowe",
                PROFESSIONAL,
                "bereavement counsellor",
                "020 7946 0560",
            ),
            _DR_SHARMA,
        ),
    ),
    Supported(
        key="shabana",
        full_name="Shabana Hussain",
        preferred_name="Shabana",
        pronouns="she/her",
        coordinator="bethany",
        about_me=(
            "I'm Shabana. I'm 52 and I have multiple sclerosis. I use a wheelchair most of the "
            "time now. I was a pharmacist and I still know my medicines better than most. I "
            "live with my husband Imran and our youngest, Zara."
        ),
        what_matters=(
            "Being a mum and a wife, not just someone who is cared for. Getting dressed "
            "properly and doing my hair and make-up. My Friday calls with my sisters. Staying "
            "cool: heat makes me much worse."
        ),
        how_to_support=(
            "Ask me how I am today: it changes day to day. I get tired quickly, so let's do "
            "the hard things first. Please take your shoes off in the house. I'd rather a "
            "woman helps me wash."
        ),
        circle=(
            Circle("Imran Hussain", FAMILY, "husband", "07700 900941"),
            Circle("Zara Hussain", FAMILY, "daughter", "07700 900942"),
            Circle("Nasreen Akhtar", FAMILY, "sister", "07700 900943", "nasreen@example.com"),
            _LIAM_OT,
            Circle("Paul Whitfield", PROFESSIONAL, "MS specialist nurse", "020 7946 0480"),
        ),
    ),
    Supported(
        key="winston",
        full_name="Winston Campbell",
        preferred_name="Winston",
        pronouns="he/him",
        coordinator="darren",
        about_me=(
            "I'm Winston. I came from Jamaica in 1961 and worked at the Ford plant. I've got "
            "COPD and my heart isn't strong, so I get breathless, but I'm still the best "
            "dominoes player on this estate."
        ),
        what_matters=(
            "Church at New Testament on Sundays. My grandson Jaden, who pops in after school. "
            "My dominoes friends on Wednesday. Good food, proper seasoning."
        ),
        how_to_support=(
            "Don't rush me; I need to stop and catch my breath on the stairs. Check my ankles "
            "for swelling and my weight on Mondays. If my lips look blue or I can't finish a "
            "sentence, ring 999 first, then my daughter Marcia."
        ),
        circle=(
            Circle("Marcia Campbell", FAMILY, "daughter", "07700 900951", "marcia@example.com"),
            Circle("Jaden Campbell", FAMILY, "grandson", "07700 900952"),
            Circle("Delroy Francis", FRIEND, "dominoes partner", "020 7946 0953"),
            Circle("Carol Dunn", PROFESSIONAL, "community matron", "020 7946 0320"),
            _DR_LEWIS,
        ),
    ),
    Supported(
        key="irene",
        full_name="Irene Baxter",
        preferred_name="Irene",
        pronouns="she/her",
        coordinator="priya",
        about_me=(
            "I'm Irene. I'm 88. I fell in the kitchen in March and broke my hip. I'm walking "
            "with a frame now and I'm determined to get back to my stick. I ran the post office "
            "in Old Town for years."
        ),
        what_matters=(
            "Getting my independence back. My budgie, Captain. Coronation Street. Going to the "
            "hairdresser's on a Saturday, like always."
        ),
        how_to_support=(
            "Let me try first and only help if I ask. Walk beside me, not in front. Keep the "
            "floor clear of rugs and cables. I can be sharp when I'm frightened of falling: "
            "don't take it to heart."
        ),
        circle=(
            Circle("Paul Baxter", FAMILY, "son", "07700 900961", "paul.baxter@example.com"),
            Circle("Vera Lund", FRIEND, "neighbour across the road", "020 7946 0962"),
            _HANNAH_PHYSIO,
            _LIAM_OT,
        ),
    ),
    Supported(
        key="siobhan",
        full_name="Siobhan Kelly",
        preferred_name="Siobhan",
        pronouns="she/her",
        coordinator="kasia",
        about_me=(
            "I'm Siobhan. I'm Deaf and British Sign Language is my first language. I'm 63. I "
            "have diabetes and a leg ulcer that is slow to heal. I used to teach BSL at the "
            "college."
        ),
        what_matters=(
            "The Deaf club on Saturdays. Talking with my friends on video. My independence. "
            "Being spoken to directly, not through someone else."
        ),
        how_to_support=(
            "Face me, in good light, and don't cover your mouth. Write it down if I don't "
            "follow. Learn a few signs: I'll teach you! Knock hard or flash the hall light; "
            "I won't hear the bell. Check my sugar before lunch."
        ),
        circle=(
            Circle("Declan Kelly", FAMILY, "brother", "07700 900971", "declan.kelly@example.com"),
            Circle("Rosa Mendes", FRIEND, "friend from the Deaf club", "07700 900972"),
            Circle("Femi Adebayo", PROFESSIONAL, "district nurse", "020 7946 0312"),
            Circle("Amy Hart", PROFESSIONAL, "BSL interpreter", "020 7946 0590"),
            _DR_SHARMA,
        ),
    ),
)


# Hilltop: a second team, to show that teams cannot see each other ---------------------------

HILLTOP_CARERS: tuple[Carer, ...] = (
    Carer("omar", "Omar Siddiqui", "omar@kith.example", "07700 900201"),
)

HILLTOP_PEOPLE: tuple[Supported, ...] = (
    Supported(
        key="edith",
        full_name="Edith Lawrence",
        preferred_name="Edie",
        pronouns="she/her",
        coordinator="omar",
        about_me=(
            "I'm Edie. I'm 92 and I've lived on Hilltop Road all my married life. I'm frail now "
            "and I don't go out much, but I like to know what's going on in the street."
        ),
        what_matters=(
            "My own front room and my own chair. A window on the world. My nephew Martin's "
            "visits. A small sherry on a Saturday."
        ),
        how_to_support=(
            "Speak up, my hearing's going. Help me up slowly: I get dizzy. Bring me the local "
            "paper and tell me the gossip."
        ),
        circle=(
            Circle("Martin Lawrence", FAMILY, "nephew", "07700 900981"),
            Circle("Dr Fiona Reid", PROFESSIONAL, "GP, Hilltop Surgery", "020 7946 0700"),
        ),
    ),
)


TEAMS: tuple[TeamData, ...] = (
    TeamData(
        key="riverside",
        name="Riverside Neighbourhood Team",
        area="Riverside and Old Town",
        carers=RIVERSIDE_CARERS,
        people=RIVERSIDE_PEOPLE,
    ),
    TeamData(
        key="hilltop",
        name="Hilltop Neighbourhood Team",
        area="Hilltop",
        carers=HILLTOP_CARERS,
        people=HILLTOP_PEOPLE,
    ),
)


# The sign-ins worth trying first, in the order they are shown.
SIGN_INS: tuple[tuple[str, Promise], ...] = (
    ("angela@kith.example", _("carer, Jean's named coordinator")),
    ("sarah@kith.example", _("Jean's daughter")),
    ("nina@kith.example", _("district nurse")),
    ("george@kith.example", _("George, uses Kith himself")),
    ("gwen@kith.example", _("Gwen, uses Kith herself, in Welsh")),
    ("mei@kith.example", _("carer, Gwen's named coordinator, uses Kith in Welsh")),
    ("lowri@kith.example", _("Gwen's niece, reads in English")),
    ("omar@kith.example", _("carer in another team")),
)


def all_emails() -> list[str]:
    """Every demo account's email, carers first."""
    carers = [carer.email for team in TEAMS for carer in team.carers]
    return carers + [account.email for account in ACCOUNTS]
