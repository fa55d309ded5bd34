"""The contact normaliser (distribution/attribution/contacts.py), by property: normalising twice
changes nothing, the usual disguises of one mailbox or phone collapse to one form, and different
people stay different. Plus the keyed hash that stands for a contact."""

from __future__ import annotations

import hashlib

from hypothesis import assume, given
from hypothesis import strategies as st

from distribution.attribution.contacts import contact_key, normal_email, normal_phone

LOCAL = st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True)
DOMAIN = st.sampled_from(["example.com", "qq.com", "163.com", "outlook.com", "corp.example.cn", "gmail.com"])
GMAIL = st.sampled_from(["gmail.com", "googlemail.com", "GMail.com", "GOOGLEMAIL.COM"])
TAG = st.from_regex(r"[a-z0-9.\-]{0,10}", fullmatch=True)
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)  # mainland China mobile numbers


@st.composite
def recased(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def dotted(draw: st.DrawFn, local: str) -> str:
    """Gmail ignores dots: put some between the letters (never two in a row, none at the start)."""
    dots = draw(st.lists(st.booleans(), min_size=len(local), max_size=len(local)))
    return "".join(
        c + ("." if dot and i < len(local) - 1 else "") for i, (c, dot) in enumerate(zip(local, dots, strict=True))
    )


@given(st.text(max_size=60))
def test_normalising_an_email_twice_changes_nothing(value):
    once = normal_email(value)
    assert once is None or normal_email(once) == once


@given(st.text(alphabet="0123456789 +-()./abc@", max_size=30))
def test_normalising_a_phone_twice_changes_nothing(value):
    once = normal_phone(value)
    assert once is None or normal_phone(once) == once


@given(LOCAL, DOMAIN, TAG, st.data())
def test_case_tags_and_trailing_dots_collapse(local, domain, tag, data):
    disguised = data.draw(recased(f"{local}+{tag}@{domain}")) + data.draw(st.sampled_from(["", ".", ".."]))
    assert normal_email(disguised) == normal_email(f"{local}@{domain}")


@given(LOCAL, GMAIL, TAG, st.data())
def test_gmail_dots_and_googlemail_collapse(local, domain, tag, data):
    disguised = data.draw(recased(data.draw(dotted(local)))) + (f"+{tag}" if tag else "") + f"@{domain}"
    assert normal_email(disguised) == f"{local}@gmail.com"


@given(LOCAL, LOCAL, DOMAIN, DOMAIN)
def test_different_mailboxes_stay_different(one, other, domain_one, domain_other):
    assume((one, domain_one) != (other, domain_other))
    assert normal_email(f"{one}@{domain_one}") != normal_email(f"{other}@{domain_other}")


@given(
    MOBILE, st.sampled_from(["{n}", "+86 {n}", "+86{n}", "0086 {n}", "{a} {b} {c}", "{a}-{b}-{c}", "(+86) {a} {b} {c}"])
)
def test_phone_spacing_and_country_code_collapse(number, shape):
    disguised = shape.format(n=number, a=number[:3], b=number[3:7], c=number[7:])
    assert normal_phone(disguised) == f"+86{number}"


@given(MOBILE, MOBILE)
def test_different_phones_stay_different(one, other):
    assume(one != other)
    assert normal_phone(one) != normal_phone(other)


def test_the_published_disguises():
    assert normal_email("Partner.Email+x@gmail.com") == normal_email("partneremail@googlemail.com")
    assert normal_phone("+86 138 0013 8000") == normal_phone("13800138000") == "+8613800138000"
    assert normal_phone("+1 (415) 555-2671") == "+14155552671"
    assert normal_email("p.a.u.l@example.com") != normal_email("paul@example.com")  # dots matter off Gmail


def test_contact_keys_are_keyed_hashes_not_bare_ones():
    key = contact_key("secret-one-0123456789", "email", "ann@example.com")
    assert key.startswith("h1-email:") and len(key) <= 80
    assert key != contact_key("secret-two-0123456789", "email", "ann@example.com")
    assert hashlib.sha256(b"email:ann@example.com").hexdigest() not in key
