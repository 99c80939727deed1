"""The schedule engine cross-checked against croniter.

croniter (python3-croniter 1.3.5 in Debian 12) is an independent
implementation of cron expressions.  tests/tools/schedprobe answers a whole
generated table in one run (lines "EXPR<TAB>TZ<TAB>EPOCH" -> "PREV<TAB>NEXT"),
and every answer is checked:

  next  must be croniter's next tick after EPOCH;
  prev  must be a tick (croniter's next tick after PREV-1 is PREV) with no
        tick in between (croniter's next tick after PREV is after EPOCH).

Where croniter's semantics differ from cronie's, which cronwrap follows, the
expression given to croniter is adapted, and each adaptation says why:

  1. Day of month / day of week.  cronie ORs the two fields when neither
     field's text starts with '*' and ANDs them otherwise.  croniter ORs
     them when day_or=True (its default) and neither *expanded* set is full:
     it ORs "*/2" in the day of week (cronie ANDs it, the field starts with
     '*') and ANDs "1-31" with "mon" (cronie ORs them, which is every day).
     So croniter gets day_or=False when cronie ANDs, and "* *" for both
     fields when cronie ORs with a full side (OR with every day is every
     day).
  2. croniter's get_prev is not used: in 1.3.5 it fails on valid schedules
     (get_prev of "0 0 29 2 *" from 2024-03-15 raises CroniterBadDateError),
     so prev is checked by its definition through get_next, as above.
  3. Time zones.  Away from daylight-saving changes croniter is used with
     an aware start time and must agree exactly.  Across a change croniter
     differs from cronie, and cronwrap documents cronie's behaviour (see
     schedule.h): a fixed-time job whose wall time does not exist fires at
     the jump ("30 2 * * *" in Paris on 2024-03-31 at 03:00 CEST, croniter
     says 03:30 CEST, moving the wall time by the gap), and a job whose
     minute or hour starts with '*' fires in both copies of a repeated hour
     (every 15 minutes from 02:50 CEST on 2024-10-27 comes next at 02:00 CET,
     croniter skips the second copy and says 03:00 CET).  So in a zone the
     reference is croniter on naive wall-clock times (pure calendar
     arithmetic), mapped to instants by zoneinfo with the documented rule,
     and croniter with an aware start time is compared too: it must agree
     except where a UTC offset change lies between the start and the tick.
     The exact differences on chosen edges are in DST_CASES, with what
     croniter says.
  4. croniter 1.3.5 skips the first days of a month when the day-of-month
     list holds a day the month before lacks: from 2024-02-28 23:59 UTC,
     "0 0 */10 * *" (days 1, 11, 21, 31) gives March 11, not March 1 (it
     steps from the 29th towards "the 31st", which lands on March 2).  So
     croniter is asked again from the last second of the month and the
     earlier of its two answers is taken: both are ticks by croniter's own
     account, and from the end of a month it starts on the 1st.
  5. The search bound.  cronwrap looks five years (1827 days) ahead or back
     and returns -1 beyond; croniter looks further (here 6 years).  A -1 is
     checked as "croniter finds nothing within 1826 days".
"""
import calendar
import datetime
import os
import random
import subprocess

import pytest

croniter_mod = pytest.importorskip("croniter")
croniter = croniter_mod.croniter
CroniterBadDateError = croniter_mod.CroniterBadDateError
zoneinfo = pytest.importorskip("zoneinfo")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("CRONWRAP_BUILD") or os.path.join(ROOT, "build")
PROBE = os.path.join(BUILD, "tests", "tools", "schedprobe")

UTC = datetime.timezone.utc
DAY = 86400
BOUND_DAYS = 1827
DST_MAX = 3 * 3600  # cronie catches up fixed-time jobs over jumps this big
ZONES = ("Europe/Paris", "America/New_York", "Australia/Sydney")
SEED = 20240229


def ts(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s))


def probe(lines):
    """Runs schedprobe once over [(expr, tz, epoch)]."""
    text = "".join("%s\t%s\t%d\n" % (e, tz or "-", t) for e, tz, t in lines)
    p = subprocess.run([PROBE], input=text, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert len(out) == len(lines)
    res = []
    for line in out:
        a, b = line.split("\t", 1)
        res.append(("ERR", b) if a == "ERR" else (int(a), int(b)))
    return res


class Spec:
    """One expression as cronwrap reads it, and its croniter rendering."""

    def __init__(self, expr):
        self.expr = expr
        fields = croniter_mod.croniter.expand(expr)[0]
        text = {"@hourly": "0 * * * *", "@daily": "0 0 * * *",
                "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
                "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *",
                "@annually": "0 0 1 1 *"}.get(expr, expr).split()
        # cronie's MIN_STAR/HR_STAR: decides the DST behaviour.
        self.fixed = text[0][0] != "*" and text[1][0] != "*"
        # Adaptation 1 (see the module docstring).
        cronie_or = text[2][0] != "*" and text[4][0] != "*"
        self.day_or = cronie_or
        if cronie_or and (fields[2] == ["*"] or fields[4] == ["*"]):
            text = text[:2] + ["*", text[3], "*"]
        self.cron = " ".join(text)


def month_end(d):
    """The last second of d's month, same zone."""
    first = (d.replace(day=28) + datetime.timedelta(days=4)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0)
    return first - datetime.timedelta(seconds=1)


def cron_next(spec, start):
    """croniter's first tick after datetime start (naive or UTC), as a
    datetime; None beyond its bound.  Adaptation 4: asked twice."""
    found = []
    for d in (start, month_end(start)):
        if d < start or found and found[0].month == start.month:
            continue
        try:
            found.append(croniter(spec.cron, d, ret_type=datetime.datetime,
                                  day_or=spec.day_or,
                                  max_years_between_matches=6).get_next())
        except CroniterBadDateError:
            pass
    return min(found) if found else None


def cron_next_utc(spec, t):
    """croniter's first tick after t, in UTC; None beyond its bound."""
    r = cron_next(spec, datetime.datetime.fromtimestamp(t, UTC))
    return None if r is None else int(r.timestamp())


def cron_next_aware(spec, zone, t):
    """croniter's own answer with an aware start time in zone."""
    start = datetime.datetime.fromtimestamp(t, zone)
    try:
        return int(croniter(spec.cron, start, ret_type=float,
                            day_or=spec.day_or,
                            max_years_between_matches=6).get_next())
    except CroniterBadDateError:
        return None


def steady(zone, t, span=6 * 3600):
    """True when the UTC offset of zone is the same all over [t-span,
    t+span] (sampled every 10 minutes: changes are hours apart)."""
    off = datetime.datetime.fromtimestamp(t, zone).utcoffset()
    return all(datetime.datetime.fromtimestamp(x, zone).utcoffset() == off
               for x in range(t - span, t + span + 1, 600))


def transition_in(zone, lo, hi):
    """The first instant in (lo, hi] with hi's offset."""
    after = datetime.datetime.fromtimestamp(hi, zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.datetime.fromtimestamp(mid, zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


def wall_ticks(spec, zone, wall):
    """The instants cron starts the job at for naive wall time `wall`, by
    the rule documented in schedule.h."""
    a = wall.replace(tzinfo=zone, fold=0)
    b = wall.replace(tzinfo=zone, fold=1)
    ta, tb = int(a.timestamp()), int(b.timestamp())

    def exists(x):
        return datetime.datetime.fromtimestamp(x, zone).replace(
            tzinfo=None) == wall
    ea, eb = exists(ta), exists(tb)
    if ea and eb and ta != tb:      # repeated: fold=0 is the first copy
        return [ta] if spec.fixed else [ta, tb]
    if ea or eb:
        return [ta if ea else tb]
    # In a gap fold=0 uses the offset before the jump (ta is after it) and
    # fold=1 the offset after (tb is before it).
    if not spec.fixed or ta - tb > DST_MAX:
        return []
    return [transition_in(zone, tb, ta)]


def ref_next_zone(spec, zone, t):
    """The first tick after t in zone: walls from croniter on naive times,
    instants by wall_ticks().  Where the offset is steady around t and
    around the tick, wall time and instants are in the same order and one
    step is enough; elsewhere walls are scanned 3 hours either side."""
    wall_t = datetime.datetime.fromtimestamp(t, zone).replace(tzinfo=None)
    calm = steady(zone, t)
    wall = wall_t if calm else wall_t - datetime.timedelta(hours=3)
    best = first_wall = None
    while True:
        wall = cron_next(spec, wall)
        if wall is None:
            return best
        if first_wall is not None and \
                wall > first_wall + datetime.timedelta(hours=3):
            return best
        for x in wall_ticks(spec, zone, wall):
            if x > t and (best is None or x < best):
                best = x
                if first_wall is None:
                    first_wall = wall
                    if calm and steady(zone, best):
                        return best
        if (wall - wall_t).days > BOUND_DAYS + 2:
            return best


def ref_next(spec, tz, t):
    if tz is None:
        return cron_next_utc(spec, t)
    return ref_next_zone(spec, zoneinfo.ZoneInfo(tz), t)


def check_line(spec, tz, t, got, edges):
    """Returns a list of problems with schedprobe's (prev, next) for t;
    appends to edges the lines where aware croniter differs at a DST edge."""
    prev, nxt = got
    bad = []
    ref = ref_next(spec, tz, t)
    if nxt == -1:
        if ref is not None and ref <= t + (BOUND_DAYS - 1) * DAY:
            bad.append("next: -1, croniter %d" % ref)
    elif nxt != ref:
        bad.append("next: %d, croniter %s" % (nxt, ref))
    if prev == -1:
        r = ref_next(spec, tz, t - (BOUND_DAYS - 1) * DAY)
        if r is not None and r <= t:
            bad.append("prev: -1, croniter has a tick at %d" % r)
    else:
        if prev > t:
            bad.append("prev %d after t" % prev)
        if ref_next(spec, tz, prev - 1) != prev:
            bad.append("prev %d is not a tick" % prev)
        r = ref_next(spec, tz, prev)
        if r is not None and r <= t:
            bad.append("prev %d: a later tick %d <= t" % (prev, r))
    if tz is not None and nxt != -1:
        zone = zoneinfo.ZoneInfo(tz)
        own = cron_next_aware(spec, zone, t)
        if own != nxt:
            if own is not None and near_change(zone, t, nxt, own):
                edges.append((spec.expr, tz, t, nxt, own))
            else:
                bad.append("next: %d, aware croniter %s with no offset "
                           "change" % (nxt, own))
    return bad


def near_change(zone, t, *ticks):
    """True when the UTC offset changes between t and one of ticks, or
    within 6 hours of one of them: a DST edge."""
    off = datetime.datetime.fromtimestamp(t, zone).utcoffset()
    return any(datetime.datetime.fromtimestamp(x, zone).utcoffset() != off
               or not steady(zone, x) for x in (t,) + ticks)


def describe(spec, tz, t, got, bad):
    when = datetime.datetime.fromtimestamp(t, UTC).isoformat()
    return "%r tz=%s t=%d (%s) -> %s: %s" % (
        spec.expr, tz, t, when, got, "; ".join(bad))


# ---------------------------------------------------------------- tables

HAND_EXPRS = [
    "* * * * *", "0 * * * *", "*/15 * * * *", "5/10 * * * *",
    "1-30/5 * * * *", "0 0 * * *", "30 4 * * *", "59 23 * * *",
    "0 0 1 * *", "0 0 31 * *", "0 0 30 * *", "0 12 29 * *",
    "0 0 29 2 *", "30 6 29 2 *", "0 0 28 2 *", "59 23 31 12 *",
    "0 0 1 1 *", "0 0 1 jan,jul *", "0 0 * feb *",
    "0 0 1 * mon", "0 0 13 * fri", "0 0 1,15 * sun", "0 12 * * */2",
    "0 12 */2 * mon", "0 0 1-31 * mon", "0 0 * * 1-5", "0 0 * * mon-fri",
    "0 0 * * 7", "0 0 * * 0", "0 0 * * fri-sun", "0 0 * * 5-0",
    "0 0 * * SAT,sun", "0 9 * * 1-7", "0 9 * * 0-7", "0 0 29 2 mon",
    "0 0 */10 * *", "0 0 1-7 * 1", "0 0 8-14 * */7", "15 14 1 * *",
    "0 22 * * 1-5", "23 0-20/2 * * *", "5 4 * * sun", "0 0,12 1 */2 *",
    "0 4 8-14 * *", "0 0 * 2 2", "0 0 31 4,6,9,11 *", "0 0 31 2 *",
    "0 0 30 2 *", "@hourly", "@daily", "@midnight", "@weekly", "@monthly",
    "@yearly", "@annually", "0 0 1 MAR-May *", "*/7 */5 * * *",
    "0 0 * * */3", "0 0 2-30/7 * tue", "0 0 8 * *",
]

UTC_EDGES = [
    ts(2023, 12, 31, 23, 59, 59), ts(2024, 1, 1), ts(2024, 1, 1, 0, 0, 1),
    ts(2024, 2, 28, 23, 59), ts(2024, 2, 29), ts(2024, 2, 29, 12, 0, 30),
    ts(2024, 3, 1), ts(2023, 2, 28, 23, 59, 59), ts(2023, 3, 1),
    ts(2100, 2, 28, 12), ts(2100, 3, 1), ts(2000, 2, 29, 6, 30),
    ts(2024, 4, 30, 23, 59, 59), ts(2024, 5, 1), ts(2024, 12, 31, 23, 59),
    ts(2025, 1, 1, 0, 0, 0), ts(2024, 7, 31, 23, 0), ts(2028, 2, 29),
    ts(2024, 1, 31), ts(2024, 6, 30, 12), ts(2027, 12, 31, 23, 59, 59),
]


def random_field(rng, low, high, names=None, steps=(2, 3, 5)):
    def value():
        v = rng.randint(low, high)
        if names and rng.random() < 0.4 and v - low < len(names):
            n = names[v - low]
            return rng.choice([n, n.upper(), n.capitalize()])
        return str(v)

    def element():
        k = rng.random()
        a, b = sorted(rng.sample(range(low, high + 1), 2))
        if k < 0.35:
            return value()
        if k < 0.55:
            return "%d-%d" % (a, b)
        if k < 0.7:
            return "%d-%d/%d" % (a, b, rng.choice(steps))
        if k < 0.8:
            return "%d/%d" % (a, rng.choice(steps))
        return "*/%d" % rng.choice(steps)
    k = rng.random()
    if k < 0.3:
        return "*"
    if k < 0.75:
        return element()
    return ",".join(element() for _ in range(rng.randint(2, 3)))


MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DAYS = "sun mon tue wed thu fri sat".split()


def random_expr(rng):
    return " ".join([
        random_field(rng, 0, 59, steps=(2, 5, 7, 10, 15, 20, 30, 45)),
        random_field(rng, 0, 23, steps=(2, 3, 4, 5, 6, 12)),
        random_field(rng, 1, 31, steps=(2, 3, 7, 10)),
        random_field(rng, 1, 12, MONTHS, steps=(2, 3, 4, 6)),
        random_field(rng, 0, 7, DAYS, steps=(2, 3)),
    ])


def random_instant(rng):
    t = rng.randint(ts(2001, 1, 1), ts(2039, 1, 1))
    k = rng.random()
    if k < 0.3:
        t -= t % 60          # on a minute: prev must include it
    elif k < 0.45:
        t -= t % 3600
    return t


def transitions(zone, years):
    """Instants where zone's offset changes in the given years."""
    out = []
    for y in years:
        t, end = ts(y, 1, 1), ts(y + 1, 1, 1)
        while t < end:
            off = datetime.datetime.fromtimestamp(t, zone).utcoffset()
            u = t + 6 * 3600
            if datetime.datetime.fromtimestamp(u, zone).utcoffset() != off:
                out.append(transition_in(zone, t, u))
            t = u
    return out


DST_EXPRS = [
    "30 2 * * *", "0 2 * * *", "59 2 * * *", "0 3 * * *", "30 1 * * *",
    "0 1 * * *", "15,45 1-3 * * *", "0 2,3 * * *", "*/15 * * * *",
    "*/20 2 * * *", "* 2 * * *", "0 * * * *", "@hourly", "@daily",
    "0 */2 * * *", "30 * * * *", "5 1-4 * * *", "30 2 * * sun",
    "30 2 31 3 *", "0 2 * 3 0", "45 2 1-10 * *", "0 0 * * *",
    "*/30 0-4 * * *", "10 3 * * *",
]
DST_OFFSETS = [-DAY, -3 * 3600, -3660, -3600, -1800, -61, -1, 0, 1, 1800,
               3599, 3600, 5400, 3 * 3600, DAY]


def build_table():
    rng = random.Random(SEED)
    exprs = HAND_EXPRS + [random_expr(rng) for _ in range(260)]
    lines = []
    for e in exprs:
        instants = [random_instant(rng) for _ in range(10)]
        instants += rng.sample(UTC_EDGES, 5)
        lines += [(e, None, t) for t in instants]
    for e in rng.sample(exprs, 120):
        for _ in range(4):
            lines.append((e, rng.choice(ZONES), random_instant(rng)))
    for tz in ZONES:
        zone = zoneinfo.ZoneInfo(tz)
        for tr in transitions(zone, (2024, 2025)):
            for e in DST_EXPRS:
                for d in rng.sample(DST_OFFSETS, 8):
                    lines.append((e, tz, tr + d))
    return lines


@pytest.fixture(scope="module")
def probe_built():
    if not os.access(PROBE, os.X_OK):
        pytest.skip("%s not built (make integration builds it)" % PROBE)
    return PROBE


def test_schedule_matches_croniter(probe_built):
    lines = build_table()
    results = probe(lines)
    specs = {}
    failures = []
    edges = []
    checked = 0
    for (e, tz, t), got in zip(lines, results):
        assert got[0] != "ERR", "%r rejected: %s" % (e, got[1])
        spec = specs.get(e) or specs.setdefault(e, Spec(e))
        bad = check_line(spec, tz, t, got, edges)
        checked += 1
        if bad:
            failures.append(describe(spec, tz, t, got, bad))
    assert not failures, "%d of %d lines differ:\n%s" % (
        len(failures), checked, "\n".join(failures[:40]))
    assert checked > 5000
    # The table reaches the DST edges where croniter and cronie part ways
    # (each such line was checked against the reference above).
    assert len(edges) > 50, edges


# --------------------------------------------------------- DST, by hand

# (expr, tz, start, our prev, our next, croniter's next with an aware
# start, why).  Times are UTC; the local times are in the comments.
DST_CASES = [
    # Paris, 2024-03-31: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    ("30 2 * * *", "Europe/Paris", ts(2024, 3, 31, 0, 0),
     ts(2024, 3, 30, 1, 30), ts(2024, 3, 31, 1, 0), ts(2024, 3, 31, 1, 30),
     "02:30 does not exist: we fire at the jump (03:00 CEST), croniter "
     "moves the wall time by the gap (03:30 CEST)"),
    ("30 2 * * *", "Europe/Paris", ts(2024, 3, 31, 1, 0, 30),
     ts(2024, 3, 31, 1, 0), ts(2024, 4, 1, 0, 30), ts(2024, 4, 1, 0, 30),
     "a run started by cron at 03:00:30 CEST finds its tick at 03:00"),
    ("0 2,3 * * *", "Europe/Paris", ts(2024, 3, 31, 0, 30),
     ts(2024, 3, 30, 2, 0), ts(2024, 3, 31, 1, 0), ts(2024, 3, 31, 1, 0),
     "02:00 (gap) and 03:00 fall on the same instant: one tick"),
    ("*/15 * * * *", "Europe/Paris", ts(2024, 3, 31, 0, 50),
     ts(2024, 3, 31, 0, 45), ts(2024, 3, 31, 1, 0), ts(2024, 3, 31, 1, 0),
     "a job with a starred field has no tick in the gap"),
    ("* 2 * * *", "Europe/Paris", ts(2024, 3, 30, 12, 0),
     ts(2024, 3, 30, 1, 59), ts(2024, 4, 1, 0, 0), ts(2024, 3, 31, 1, 0),
     "starred minute: the missing hour is not caught up (next is 02:00 "
     "CEST on April 1st); croniter fires at 03:00 CEST on the 31st"),
    # Paris, 2024-10-27: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    ("30 2 * * *", "Europe/Paris", ts(2024, 10, 27, 0, 30),
     ts(2024, 10, 27, 0, 30), ts(2024, 10, 28, 1, 30),
     ts(2024, 10, 28, 2, 30),
     "fixed time fires at the first 02:30 only; croniter's next is 03:30 "
     "CET on the 28th, an hour late"),
    ("*/15 * * * *", "Europe/Paris", ts(2024, 10, 27, 0, 50),
     ts(2024, 10, 27, 0, 45), ts(2024, 10, 27, 1, 0),
     ts(2024, 10, 27, 2, 0),
     "02:50 CEST: next is 02:00 CET (the second copy); croniter skips "
     "the repeated hour to 03:00 CET"),
    ("*/15 * * * *", "Europe/Paris", ts(2024, 10, 27, 1, 40),
     ts(2024, 10, 27, 1, 30), ts(2024, 10, 27, 1, 45),
     ts(2024, 10, 27, 0, 45),
     "02:40 CET, in the second copy: prev is 02:30 CET, next 02:45 CET; "
     "croniter's next is 02:45 CEST, an hour before the start"),
    ("0 * * * *", "Europe/Paris", ts(2024, 10, 27, 0, 30),
     ts(2024, 10, 27, 0, 0), ts(2024, 10, 27, 1, 0), ts(2024, 10, 27, 2, 0),
     "hourly: 02:00 CEST, then 02:00 CET an hour later; croniter skips "
     "to 03:00 CET"),
    # New York, 2024-03-10: 02:00 EST becomes 03:00 EDT at 07:00 UTC.
    ("30 2 * * *", "America/New_York", ts(2024, 3, 10, 6, 0),
     ts(2024, 3, 9, 7, 30), ts(2024, 3, 10, 7, 0), ts(2024, 3, 10, 7, 30),
     "02:30 does not exist: at the jump (03:00 EDT); croniter 03:30 EDT"),
    # New York, 2024-11-03: 02:00 EDT becomes 01:00 EST at 06:00 UTC.
    ("30 1 * * *", "America/New_York", ts(2024, 11, 3, 5, 40),
     ts(2024, 11, 3, 5, 30), ts(2024, 11, 4, 6, 30),
     ts(2024, 11, 4, 7, 30),
     "01:30 happens twice: fired at 01:30 EDT, not again at 01:30 EST, "
     "then 01:30 EST on the 4th; croniter says 02:30 EST on the 4th"),
    ("*/30 * * * *", "America/New_York", ts(2024, 11, 3, 5, 45),
     ts(2024, 11, 3, 5, 30), ts(2024, 11, 3, 6, 0), ts(2024, 11, 3, 7, 0),
     "01:45 EDT: next is 01:00 EST; croniter jumps to 02:00 EST"),
    # Sydney, 2024-10-06: 02:00 AEST becomes 03:00 AEDT at 16:00 UTC (5th).
    ("30 2 * * *", "Australia/Sydney", ts(2024, 10, 5, 15, 0),
     ts(2024, 10, 4, 16, 30), ts(2024, 10, 5, 16, 0),
     ts(2024, 10, 5, 16, 30),
     "02:30 does not exist: at the jump (03:00 AEDT); croniter 03:30"),
    # Sydney, 2024-04-07: 03:00 AEDT becomes 02:00 AEST at 16:00 UTC (6th).
    ("30 2 * * *", "Australia/Sydney", ts(2024, 4, 6, 15, 0),
     ts(2024, 4, 5, 15, 30), ts(2024, 4, 6, 15, 30),
     ts(2024, 4, 6, 15, 30),
     "02:30 AEDT is the first copy: fired there only"),
    ("*/20 * * * *", "Australia/Sydney", ts(2024, 4, 6, 15, 50),
     ts(2024, 4, 6, 15, 40), ts(2024, 4, 6, 16, 0), ts(2024, 4, 6, 17, 0),
     "02:50 AEDT: next is 02:00 AEST; croniter jumps to 03:00 AEST"),
    ("@daily", "Australia/Sydney", ts(2024, 10, 5, 13, 59),
     ts(2024, 10, 4, 14, 0), ts(2024, 10, 5, 14, 0), ts(2024, 10, 5, 14, 0),
     "midnight on a DST day is plain"),
]


@pytest.mark.parametrize("case", DST_CASES, ids=lambda c: c[6][:40])
def test_dst_edges(probe_built, case):
    expr, tz, t, prev, nxt, cron, why = case
    assert probe([(expr, tz, t)]) == [(prev, nxt)], why
    spec = Spec(expr)
    # Our documented behaviour, by the reference built from croniter's
    # calendar and zoneinfo...
    assert ref_next(spec, tz, t) == nxt, why
    # ...and what croniter itself says, so the stated difference stays true.
    assert cron_next_aware(spec, zoneinfo.ZoneInfo(tz), t) == cron, why
