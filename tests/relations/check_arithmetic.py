#!/usr/bin/env python3
"""Re-check the arithmetic behind tests/relations/{dev,heldout}.toml.

For every case it
  * recomputes the relation written in `note` (sum, subset, share, fraction, percentage sum),
  * checks that every operand in the note is a number that appears in `text`,
  * checks that the verdict (equal / not equal / within precision / exceeding) agrees with `expect`,
  * for sources "informe 2021, line N", checks that `text` is a verbatim excerpt of the fixture
    (trailing blanks of each line aside) starting on line N.

It does not run the tool. Usage: python3 tests/relations/check_arithmetic.py
"""
import re
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent.parent / "fixtures" / "informe-ejecutivo-2021.txt"
KINDS = {"breakdown_sum", "subset_exceeds_total", "share_mismatch", "percent_sum"}
NUM = r"\d+ mil \d+|\d{1,3}(?:, ?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
FRACS = {"1/2": Fraction(1, 2), "1/3": Fraction(1, 3), "1/4": Fraction(1, 4), "2/3": Fraction(2, 3)}


def value(s):
    s = s.strip()
    m = re.fullmatch(r"(\d+) mil (\d+)", s)
    if m:
        return Fraction(int(m[1]) * 1000 + int(m[2]))
    return Fraction(s.replace(", ", "").replace(",", ""))


def text_numbers(text):
    flat = text.replace("\n", " ")
    return {value(m) for m in re.findall(NUM, flat)}


def check_case(c, fixture_lines):
    text, note, expect = c["text"], c["note"], c["expect"]
    assert isinstance(expect, list) and len(expect) <= 1 and set(expect) <= KINDS, expect
    nums = text_numbers(text)

    def operand(s):
        v = value(s)
        assert v in nums, f"operand {s} not found in text"
        return v

    src = c["source"]
    if src != "written":
        m = re.fullmatch(r"informe 2021, line (\d+)", src)
        assert m, src
        start = int(m[1])
        block = "\n".join(l.rstrip() for l in fixture_lines[start - 1:])
        assert block.split("\n", 1)[0] and text.split("\n", 1)[0] in block.split("\n", 1)[0], \
            "text does not start on the stated line"
        assert text in block, "text is not a verbatim excerpt of the fixture"

    if note.startswith("distractor:"):
        assert c["shape"] == "distractor" and expect == []
        return

    # share: "a / b = x %, printed p % (within ±t)" | ", not p % (allowed ±t)" | " > p %, consistent…"
    m = re.match(rf"({NUM}) / ({NUM}) = ([\d.]+) %(?:, printed ([\d.]+) %|, not ([\d.]+) %| > ([\d.]+) %)", note)
    if m:
        a, b = operand(m[1]), operand(m[2])
        true = 100 * a / b
        stated = Fraction(m[3])
        dec = len(m[3].split(".")[1])
        assert abs(true - stated) <= Fraction(1, 2 * 10 ** dec), "stated quotient is wrong"
        p = m[4] or m[5] or m[6]
        operand(p)
        pdec = len(p.split(".")[1]) if "." in p else 0
        tol = Fraction(1, 2 * 10 ** pdec)
        if m[6]:
            assert "consistent" in note and true > Fraction(p) and expect == []
        elif m[4]:
            assert abs(true - Fraction(p)) <= tol and expect == []
        else:
            assert abs(true - Fraction(p)) > tol and expect == ["share_mismatch"]
        return

    # fraction word: "a / b = 0.500 = 1/2 …" | ", not 1/2 …" | " > 1/2, consistent…"
    m = re.match(rf"({NUM}) / ({NUM}) = ([\d.]+)(?: = (\d/\d)|, not (\d/\d)| > (\d/\d))", note)
    if m:
        a, b = operand(m[1]), operand(m[2])
        f = FRACS[m[4] or m[5] or m[6]]
        if m[4]:
            assert abs(a - f * b) <= 1 and expect == []
        elif m[5]:
            assert abs(a / b - f) >= Fraction(1, 20) and expect == ["share_mismatch"]
        else:
            assert "consistent" in note and a / b > f and expect == []
        return

    # sums and subsets: "a + b = s", "a + b = s, not t", "a + b = s <= t", "a + b = s > t", "a > t",
    # percentages: "p + q = s %", "p + q = s %, not 100 %"
    m = re.match(rf"((?:{NUM})(?: \+ (?:{NUM}))*)(?: = ({NUM})( %)?)?(?:, not ({NUM})( %)?| (<=|>|≈) ({NUM}))?", note)
    assert m and (m[2] or m[6]), f"unrecognised note: {note}"
    parts = [operand(p) if not m[3] else value(p) for p in m[1].split(" + ")]
    s = sum(parts)
    if m[2]:
        assert s == value(m[2]), f"stated sum {m[2]} is wrong (is {s})"
    if m[3]:  # percentages
        for p in m[1].split(" + "):
            operand(p)
        if m[4]:
            assert s != 100 and value(m[4]) == 100 and expect == ["percent_sum"]
        else:
            assert s == 100 and expect == []
        return
    if m[4]:  # "= s, not t": a breakdown that does not add up
        t = operand(m[4])
        assert s != t and expect == ["breakdown_sum"]
        return
    if m[6]:
        t = operand(m[7])
        if m[6] == "<=":
            assert s <= t and expect == []
        elif m[6] == "≈":
            assert abs(s - t) <= t / 100 and "approximate" in note and expect == []
        elif "approximate" in note:  # exact parts above a “más de” total
            assert s > t and expect == []
        else:
            assert s > t and expect == ["subset_exceeds_total"]
        return
    # plain "a + b = s": the total s is in the text
    assert s in nums and expect == [], "breakdown total not found in text"


def main():
    fixture_lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    failures = 0
    for name in ("dev.toml", "heldout.toml"):
        cases = tomllib.loads((HERE / name).read_text(encoding="utf-8"))["case"]
        for i, c in enumerate(cases, 1):
            try:
                check_case(c, fixture_lines)
            except AssertionError as e:
                failures += 1
                print(f"{name} case {i}: {e}\n  text: {c['text']!r}\n  note: {c['note']!r}")
        print(f"{name}: {len(cases)} cases checked")
    if failures:
        print(f"{failures} failure(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
