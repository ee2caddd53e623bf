"""What a line of a raw page looks like: site chrome, dates, bylines, headings, reference items."""

from __future__ import annotations

import re
import unicodedata

from litreview.chapters.markdown import md_plain
from litreview.chapters.scaffold.transliteration import to_latin

COMMAND = "litreview-new-article"
SEED_NAME = re.compile(r"^\d{3}_.+\.txt$")
SUMS = "SHA256SUMS"
TITLE_CATEGORY = "title as printed, shown once as the chapter title"
PREVIEW_WIDTH = 90
LISTING = "list of recent posts on the site"


# -- what a line looks like -----------------------------------------------------------------------

#: Site chrome: category -> the forms a whole stripped line may take (case-insensitive); first match wins.
CHROME_FORMS: dict[str, tuple[str, ...]] = {
    "cookie banner": (
        r".{0,300}\b(?:we use cookies|uses? cookies|accept (?:all )?cookies|cookie (?:policy|settings|"
        r"preferences|consent))\b.{0,300}",
    ),
    "comment form": (
        r"post a comment", r"leave a (?:comment|reply)", r"add a comment", r"\d+ comments?",
        r"comments?(?: \(\d+\))?:?", r"remember (?:personal info|me)\??",
        r"\*? ?denotes (?:a )?required fields?\.?", r"required fields are marked.{0,20}",
        r"your e-?mail address will not be published.{0,60}", r"(?:name|e-?mail|website|comment)\s*\*?:?",
        r"submit(?: comment)?",
    ),
    "share buttons": (
        r"share(?: (?:this|the))?(?: (?:post|article|page|story))?(?: (?:on|via) .{1,30})?[:.!]?",
        r"share(?: this| the)?(?: post| article| page| story)?:(?: [\w.]+){0,6}", r"tweet(?: this)?",
        r"e-?mail this(?: \w+)?", r"print(?: this)?(?: page| article)?",
    ),
    "subscription prompt": (
        r"(?:subscribe|sign up|join our|get our)\b.{0,80}", r".{0,40}\bnewsletter\b.{0,40}",
    ),
    LISTING: (r"(?:recent|related|latest|popular|more|other|similar|trending) (?:posts|articles|stories|news|"
              r"reads|reading):?",),
    "site navigation (link to more posts by the author)": (r"more (?:from|by) .{1,60}",),
    "site navigation": (
        r".{0,40}\bmenu", r"skip to (?:the )?(?:main )?content", r"(?:main )?navigation", r"search",
        r"log ?in", r"sign in", r"back to top", r"(?:next|previous|older|newer) (?:post|article)s?", r"home",
    ),
    "post metadata": (r"posted (?:by|on|in)\b.{0,100}",),
    "page-break rule": (r"-{3,}", r"\*{3,}", r"_{3,}"),
    "footer (copyright)": (r"(?:©|\(c\)|copyright\b).{0,200}", r".{0,100}\ball rights reserved\b.{0,100}"),
    "sign-in prompt": (r"join now", r"register", r"create (?:an |your )?account", r"войти", r"регистрация"),
    "post tags": (r"(?:tags?|tagged|filed under|topics?|теги|метки|рубрики?)\s*:.{0,200}",),
    "download and citation links": (
        r"download(?: (?:the )?(?:pdf|citation|report|paper|brief|full text|this \w+))?",
        r"cite this(?: article| paper| page| brief)?", r"скачать(?: pdf)?",
    ),
    "issue label": (r"vol(?:ume)?\.?\s*\d+(?:,?\s*(?:issue|no\.?|number)\s*\d+)?", r"issue\s+\d+"),
    "series label": (
        r"(?:working|discussion|policy|briefing|research|occasional|conference|analytical)\s+"
        r"(?:paper|brief|report|note)s?(?:\s+(?:no\.?\s*)?\d+)?",
    ),
    "reader reactions": (
        r"\d+ (?:reactions?|likes?|shares?)(?: [·|•] \d+ comments?)?", r"comments are closed\.?",
        r"load more comments", r"reply", r"like", r"follow us.{0,40}",
    ),
    "related stories": (
        r"(?:most (?:read|popular|viewed|shared)|read (?:also|next)|you may also like|related publications|"
        r"читайте также|читайте еще|популярное|по теме)",
    ),
    "share buttons (Russian)": (r"поделиться.{0,30}", r"комментарии(?: \(\d+\))?:?", r"подписаться.{0,40}"),
    "number": (r"\d{1,7}",),  # a reaction count above the article, a page number inside it
}  # fmt: skip
CHROME = tuple(
    (category, re.compile("|".join(forms), re.IGNORECASE)) for category, forms in CHROME_FORMS.items()
)
BREADCRUMB = re.compile(
    r"^(?:home|главная)\b.{2,200}$|^[^>»›]{1,60}(?:\s[>»›/|]\s[^>»›]{1,60}){2,}$", re.IGNORECASE
)
#: A breadcrumb trail of short steps: "Главная / Новости / Технологии", "Blog / Cities".
SEPARATED_CRUMBS = re.compile(r"[^/>»›|·]{1,30}(?:\s[/>»›]\s[^/>»›|·]{1,30}){1,5}")
#: The heading of the readers' comments under an article.
COMMENTS_HEADING = re.compile(
    r"(?:\d+\s+)?(?:comments?|responses?|replies|комментари[йияев]{1,2})(?:\s*\(\d+\))?:?|reader comments|"
    r"join the discussion|discussion",
    re.IGNORECASE,
)
DATE_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn|winter|issue|no|vol)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")
URL_LINE = re.compile(r"^<?https?://\S+>?$")
ITEM_PATTERNS = (r"(?P<label>\d+)\. (?P<text>.+)", r"\[(?P<label>\d+)\] (?P<text>.+)")
#: "Surname, I." or "Surname, I," opening a printed reference.
AUTHOR_FIRST = re.compile(r"^[^\W\d_][\w’'-]+,\s+(?:[^\W\d_]\.\s?)+|^[^\W\d_][\w’'-]+,\s+[^\W\d_],")
REFERENCE_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?P<name>references?|sources?|notes|endnotes|footnotes|bibliography|works cited|"
    r"literature|further reading|reading list|литература|список литературы|примечания|источники|"
    r"библиография|сноски)(?:\s*:\s*(?P<rest>.*)|\s*)$",
    re.IGNORECASE,
)
AUTHOR_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?:about the (?:authors?|writer|contributors?)|author bio(?:graphy)?|biography|"
    r"the authors?)\s*:?$",
    re.IGNORECASE,
)
AFFILIATION = re.compile(
    r"universit|institut|college|school|academy|department|faculty|laborator|centre|center|advis[eo]r|"
    r"professor|lecturer|researcher|fellow|director|editor|correspondent|consultant|analyst|scientist|"
    r"economist|sociologist|journalist|founder|futurist|ph\.?\s?d|\be-?mail\b|@",
    re.IGNORECASE,
)
GREETING = re.compile(r"^(?:dear|hi|hello|hey)\b[^.!?]{0,60}[,!:]?$", re.IGNORECASE)
POSTED_BY = re.compile(r"^posted by:\s*(?P<who>.+)$", re.IGNORECASE)
FIGURE = re.compile(r"^(?P<what>(?:fig\.|figure)\s*\d+)", re.IGNORECASE)
FOOTNOTE_MARK = re.compile(r"^(<sup>[^<]{1,6}</sup>|[†‡§¹²³⁴⁵⁶⁷⁸⁹])")
NUMBERED_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+\d+(?:\.\d+)*\.?\s+\S")
ATX_HEADING = re.compile(r"^#{1,6}\s+\S")
CLOSED = re.compile(r"[.!?:;,…]$")  # a line that ends a sentence or a clause: not a heading or a title
GLUED_AFTER = '.,;:!?)”"’»'  # what a note number printed glued to the text follows
STOPWORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "of", "in", "on", "at",
    "to", "for", "and", "or", "by", "with", "from", "how", "why", "what", "when", "where",
    "who", "whose", "which", "does", "do", "did", "can", "will", "its", "it", "this", "that",
    "these", "those", "as", "into", "towards", "toward", "about", "after", "before", "between",
    "over", "under", "our", "my", "your", "their", "his", "her", "we", "i", "you", "they",
    "в", "во", "на", "и", "о", "об", "с", "со", "к", "по", "для", "из", "от", "до", "за", "при", "как",
    "что", "не",
})  # fmt: skip


def words(text: str) -> list[str]:
    return text.split()


def prefix(text: str, count: int = 6) -> str:
    """The stripped line up to the end of its ``count``-th word (the line's own spacing kept)."""
    stripped = text.strip()
    found = list(re.finditer(r"\S+", stripped))
    return stripped if len(found) <= count else stripped[: found[count - 1].end()]


#: A label between the byline and the article, kept with the byline ("Abstract", "Аннотация").
FRONT_LABEL = re.compile(r"^(?:#{1,6}\s+)?\**(?:abstract|summary|аннотация|резюме)\**[.:]?$", re.IGNORECASE)
#: A job line under a byline ("Senior analyst, Health Systems Lab", "Product manager at a startup").
JOB = re.compile(
    r"\b(?:manager|reporter|writer|engineer|student|head of|chief|lead|partner|member|author|"
    r"corresponding|columnist|contributor|at [A-Z])",
)


def is_job_line(text: str) -> bool:
    """A short line saying what someone does or where they work."""
    text = text.strip()
    if not text or len(words(text)) > 20 or re.search(r"[.!?]$", text):
        return False
    return bool(AFFILIATION.search(text) or JOB.search(text))


def is_prose(text: str) -> bool:
    """A line of running text: a sentence of eight words or more (50 characters), or twenty-five words."""
    count = len(words(text))
    if ATX_HEADING.match(text) or text.startswith(("[", "|")):
        return False
    ends = bool(re.search(r"[.!?…:;][”\"’»)]*$", text))
    return count >= 25 or (count >= 8 and len(text) >= 50 and ends)


#: What the links in a row of short links separated by "·" or "|" are about -> the row's category.
LINK_ROW_KINDS = (
    (
        "share buttons and counters",
        re.compile(r"\b(?:share|like|tweet|e-?mail|comments?|reactions?)\b", re.I),
    ),
    (
        "edition, print and sign-in links",
        re.compile(r"\b(?:edition|e-paper|print|subscribe|sign in|log ?in)\b", re.I),
    ),
)


def link_row_category(text: str) -> str | None:
    """A row of short links or counters ("Home | About | Contact", "Share 34 · Comments 12"), or None."""
    segments = [s.strip() for s in re.split(r"\s[·|•]\s|\s*[·•]\s*", text)]
    if len(segments) < 2 or not all(s and len(words(s)) <= 4 for s in segments):
        return None
    return next((c for c, pattern in LINK_ROW_KINDS if pattern.search(text)), "site navigation")


def chrome_category(text: str) -> str | None:
    """The category of site chrome a stripped line looks like, or None."""
    if not text or len(words(text)) > (60 if "cookie" in text.lower() else 12):
        return None
    found = next((category for category, pattern in CHROME if pattern.fullmatch(text)), None)
    return found or link_row_category(text)


def is_date_line(text: str) -> bool:
    """A short line that is only a date or an issue label ("Fall-Winter 2002-2003", "12 March 2021")."""
    if not YEAR.search(text) or len(words(text)) > 6:
        return False
    return not re.sub(r"[\d\s,./–—-]+", "", DATE_WORDS.sub("", text))


def markdown_to_text(fmt: str, text: str) -> str:
    """A line without its Markdown markup (a heading's hashes too)."""
    text = text.strip()
    if fmt != "markdown":
        return text
    return md_plain(fmt, re.sub(r"^#{1,6}\s+", "", text))


def names_in(fmt: str, text: str) -> list[str]:
    """The people a byline names ("by A B and C D", "*A B*<sup>1</sup>, and *C D*"), or []."""
    text = re.sub(r"<sup>.*?</sup>", "", text.strip())
    if fmt == "markdown":
        text = re.sub(r"[*_\\]", "", text)
    by = re.match(r"^by\s+(.+)$", text, re.IGNORECASE)
    text = by.group(1) if by else text
    if re.search(r"\d", text) or len(words(text)) > 12:
        return []
    people = [p.strip() for p in re.split(r",\s*and\s+|\s+and\s+|\s*&\s*|,\s*", text) if p.strip()]
    token = re.compile(r"^[^\W\d_][\w’'.-]*$")
    for person in people:
        tokens = person.split()
        if not 2 <= len(tokens) <= 4 or not all(token.match(t) and t[0].isupper() for t in tokens):
            return []
    return people


def ascii_word(text: str) -> str:
    """A word in lowercase ASCII, a Russian one transliterated ("Васильев" -> "vasilev")."""
    folded = unicodedata.normalize("NFKD", to_latin(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def significant_words(title: str) -> list[str]:
    """The title's words that are not function words, as slug words ("Neo-Industrial" → "neo-industrial")."""
    found = []
    for word in re.findall(r"[\w’'-]+", re.sub(r"(?<=\w)[’']s\b", "", title)):
        if word.lower().strip("’'-") in STOPWORDS:
            continue
        slugged = "-".join(p for p in (ascii_word(w) for w in re.split(r"[-’']", word)) if p)
        if slugged:
            found.append(slugged)
    return found


def surname(person: str) -> str:
    return ascii_word(person.split()[-1]) if person.split() else ""


def item_match(text: str) -> re.Match[str] | None:
    return next((m for p in ITEM_PATTERNS if (m := re.fullmatch(p, text))), None)


def reference_like(text: str) -> bool:
    """A line that looks like one item of a printed reference list (a year or an address in it)."""
    if URL_LINE.match(text):
        return True
    m = item_match(text)
    body = m.group("text") if m else text
    return bool((m or AUTHOR_FIRST.match(text)) and (YEAR.search(body) or "http" in body))


def opens_lowercase(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return bool(first) and first.islower()


# -- the draft -------------------------------------------------------------------------------------
