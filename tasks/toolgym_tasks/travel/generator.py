"""Seeded generator of the travel (airline) database and its customer-service tasks.

``build_db(seed)`` draws an airline: 10 airports, 40 flights on 20 two-way routes flown daily from
2025-05-10 to 2025-05-25 (statuses, seats and fares per day), 50 users with payment methods and
about 100 reservations. ``build_tasks(db, seed)`` writes 120 tasks of 10 kinds (cancel, refuse to
cancel, add bags, correct a passenger, move a flight to another day, upgrade the cabin, book the
cheapest direct flight, flight status, compensation for a cancelled flight, cheapest-flight
question), each with a reference dialogue, gold actions, required outputs and a user script.
Gold values are computed here from the rows and the pricing rules of the tools; the tests replay
every task against the real tools. ``python -m toolgym_tasks.travel.generator`` rewrites ``data/``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import string
from pathlib import Path
from typing import Any, Callable

from toolgym.apis.authoring import TaskBuilder, stratified_test_set
from toolgym.apis.common import money
from toolgym_tasks.domain_data import write_domain_data

ENV = "travel"
SEED = 0
DATA_DIR = Path(__file__).with_name("data")
TODAY = "2025-05-15"
FIRST_DAY, LAST_DAY = dt.date(2025, 5, 10), dt.date(2025, 5, 25)
BAG_FEE, INSURANCE = 5000, 3000
FREE_BAGS = {("economy", "regular"): 1, ("economy", "silver"): 2, ("economy", "gold"): 3,
             ("business", "regular"): 2, ("business", "silver"): 3, ("business", "gold"): 4}
TOOLS = [
    "get_user_details", "get_reservation_details", "list_airports", "search_direct_flights", "search_onestop_flights",
    "get_flight_status", "calculate", "book_reservation", "cancel_reservation", "update_reservation_baggages",
    "update_reservation_passengers", "update_reservation_flights", "send_certificate",
]
AIRPORTS = {"JFK": "New York", "LAX": "Los Angeles", "ORD": "Chicago", "SFO": "San Francisco", "SEA": "Seattle",
            "BOS": "Boston", "MIA": "Miami", "DEN": "Denver", "ATL": "Atlanta", "DFW": "Dallas"}
FIRST = ["Mia", "Omar", "Lena", "Raj", "Sofia", "Tom", "Aisha", "Ivan", "Nora", "Kenji", "Lucia", "Felix", "Amara",
         "Diego", "Hana", "Ethan", "Priya", "Mateo", "Yara", "Lucas"]
LAST = ["Kim", "Hassan", "Fischer", "Sharma", "Lopez", "Walker", "Bello", "Petrov", "Berg", "Sato", "Romano",
        "Wagner", "Diallo", "Torres", "Mori", "Clark", "Iyer", "Ruiz", "Aziz", "Martin"]
CLOSING = "Is there anything else I can help you with?"
RES_WHEN = ("which reservation", "reservation id", "reservation number", "booking reference")


def days(start: dt.date, end: dt.date) -> list[str]:
    return [(start + dt.timedelta(d)).isoformat() for d in range((end - start).days + 1)]


# ------------------------------------------------------------------------------------------ database
def build_db(seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """The initial rows of every table."""
    rng = random.Random(f"travel-db-{seed}")
    airports = [{"code": c, "city": city} for c, city in AIRPORTS.items()]
    flights, dates = [], []
    pairs = rng.sample(list(itertools.combinations(sorted(AIRPORTS), 2)), 20)
    for n, (a, b) in enumerate(pairs):
        hours = rng.randint(1, 6)
        for k, (src, dst) in enumerate(((a, b), (b, a))):
            dep = rng.randint(6, 17)
            flights.append({"flight_number": f"TG{100 + 2 * n + k}", "origin": src, "destination": dst,
                            "departure_time": f"{dep:02d}:{rng.choice(['00', '15', '30', '45'])}",
                            "arrival_time": f"{dep + hours:02d}:{rng.choice(['05', '20', '35', '50'])}"})
    for f in flights:
        base = rng.randint(80, 400)
        for day in days(FIRST_DAY, LAST_DAY):
            status = "landed" if day < TODAY else rng.choices(["available", "delayed", "cancelled"], [90, 5, 5])[0]
            econ = rng.randint(base * 80, base * 130)
            dates.append({"flight_number": f["flight_number"], "date": day, "status": status,
                          "seats_economy": 0 if rng.random() < 0.05 else rng.randint(1, 60),
                          "seats_business": rng.randint(0, 12), "price_economy_cents": econ,
                          "price_business_cents": econ * rng.randint(25, 40) // 10})
    by_date = {(d["flight_number"], d["date"]): d for d in dates}
    users, methods, reservations, segments, passengers, payments = [], [], [], [], [], []
    taken: set[str] = set()
    for first, last in rng.sample(list(itertools.product(FIRST, LAST)), 50):
        uid = f"{first.lower()}_{last.lower()}_{rng.randint(1000, 9999)}"
        dob = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        member = rng.choices(["regular", "silver", "gold"], [50, 30, 20])[0]
        users.append({"user_id": uid, "first_name": first, "last_name": last, "dob": dob, "membership": member,
                      "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com"})
        own = [{"payment_method_id": f"credit_card_{rng.randint(1000000, 9999999)}", "user_id": uid,
                "kind": "credit_card", "brand": rng.choice(["visa", "mastercard"]),
                "last_four": f"{rng.randint(0, 9999):04d}", "balance_cents": None}]
        if rng.random() < 0.4:
            own.append({"payment_method_id": f"gift_card_{rng.randint(1000000, 9999999)}", "user_id": uid,
                        "kind": "gift_card", "brand": None, "last_four": None, "balance_cents": rng.randint(50, 500) * 100})
        methods.extend(own)
        for _ in range(rng.randint(2, 3)):
            rid = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
            if rid in taken:
                continue
            taken.add(rid)
            out = rng.choice(flights)
            disrupted = [d["date"] for d in dates if d["flight_number"] == out["flight_number"] and d["status"] == "cancelled"]
            roll = rng.random()
            if roll < 0.15:
                day = rng.choice(days(FIRST_DAY, LAST_DAY))
            elif roll < 0.35 and disrupted:
                day = rng.choice(disrupted)
            else:
                day = rng.choice(days(dt.date(2025, 5, 16), LAST_DAY))
            legs = [(out["flight_number"], day)]
            back_day = (dt.date.fromisoformat(day) + dt.timedelta(rng.randint(1, 3))).isoformat()
            round_trip = rng.random() < 0.3 and back_day <= LAST_DAY.isoformat()
            if round_trip:
                back = next(f for f in flights if f["origin"] == out["destination"] and f["destination"] == out["origin"])
                legs.append((back["flight_number"], back_day))
            cabin = "business" if rng.random() < 0.25 else "economy"
            names = [(first, last, dob)] + [(rng.choice(FIRST), rng.choice([last] + LAST),
                                             f"{rng.randint(1950, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
                                            for _ in range(rng.randint(0, 2))]
            bags = rng.randint(0, 2 * len(names))
            insurance = rng.random() < 0.3
            created = TODAY if rng.random() < 0.1 else f"2025-05-{rng.randint(1, 14):02d}"
            cancelled = rng.random() < 0.1
            fares = [by_date[leg][f"price_{cabin}_cents"] for leg in legs]
            total = (sum(fares) * len(names) + (INSURANCE * len(names) if insurance else 0)
                     + BAG_FEE * max(0, bags - FREE_BAGS[(cabin, member)] * len(names)))
            payer = next((m for m in own if m["kind"] == "gift_card" and m["balance_cents"] >= total), own[0])
            reservations.append({"reservation_id": rid, "user_id": uid, "origin": out["origin"],
                                 "destination": out["destination"], "trip_type": "round_trip" if round_trip else "one_way",
                                 "cabin": cabin, "total_baggages": bags, "insurance": insurance,
                                 "status": "cancelled" if cancelled else "active", "created_at": created,
                                 "cancel_reason": "change of plan" if cancelled else None})
            segments.extend({"reservation_id": rid, "seq": s, "flight_number": leg[0], "date": leg[1], "price_cents": fare}
                            for s, (leg, fare) in enumerate(zip(legs, fares), 1))
            passengers.extend({"reservation_id": rid, "seq": s, "first_name": f, "last_name": la, "dob": d}
                              for s, (f, la, d) in enumerate(names, 1))
            payments.append({"reservation_id": rid, "seq": 1, "kind": "payment",
                             "payment_method_id": payer["payment_method_id"], "amount_cents": total})
            if cancelled:
                payments.append({"reservation_id": rid, "seq": 2, "kind": "refund",
                                 "payment_method_id": payer["payment_method_id"], "amount_cents": total})
    return {"airports": airports, "flights": flights, "flight_dates": dates, "users": users,
            "payment_methods": methods, "reservations": reservations, "reservation_flights": segments,
            "passengers": passengers, "reservation_payments": payments}


# ------------------------------------------------------------------------------------------ tasks
class Airline:
    """Read access to the generated rows, for picking task subjects."""

    def __init__(self, db: dict[str, list[dict[str, Any]]]) -> None:
        self.db = db
        self.users = {u["user_id"]: u for u in db["users"]}
        self.flights = {f["flight_number"]: f for f in db["flights"]}
        self.dates = {(d["flight_number"], d["date"]): d for d in db["flight_dates"]}
        self.methods = {m["payment_method_id"]: m for m in db["payment_methods"]}
        self.segments: dict[str, list[dict]] = {}
        self.passengers: dict[str, list[dict]] = {}
        self.payments: dict[str, list[dict]] = {}
        for key, table in (("segments", "reservation_flights"), ("passengers", "passengers"),
                           ("payments", "reservation_payments")):
            for row in db[table]:
                getattr(self, key).setdefault(row["reservation_id"], []).append(row)

    def active_future(self) -> list[dict]:
        return [r for r in self.db["reservations"] if r["status"] == "active"
                and all(s["date"] >= TODAY for s in self.segments[r["reservation_id"]])]

    def has_cancelled_flight(self, r: dict) -> bool:
        return any(self.dates[(s["flight_number"], s["date"])]["status"] == "cancelled"
                   for s in self.segments[r["reservation_id"]])

    def cancellable(self, r: dict) -> bool:
        return r["created_at"] == TODAY or r["cabin"] == "business" or r["insurance"] or self.has_cancelled_flight(r)

    def net_paid(self, rid: str) -> int:
        return sum(p["amount_cents"] if p["kind"] == "payment" else -p["amount_cents"] for p in self.payments[rid])

    def card(self, uid: str) -> dict:
        return next(m for m in self.db["payment_methods"] if m["user_id"] == uid and m["kind"] == "credit_card")

    def bookable(self, number: str, day: str, cabin: str, seats: int) -> bool:
        inst = self.dates.get((number, day))
        return inst is not None and inst["status"] == "available" and inst[f"seats_{cabin}"] >= seats

    def direct(self, origin: str, destination: str, day: str, cabin: str, seats: int) -> list[dict]:
        """Bookable direct flights, as search_direct_flights orders them."""
        found = [f for f in self.db["flights"] if f["origin"] == origin and f["destination"] == destination
                 and self.bookable(f["flight_number"], day, cabin, seats)]
        return sorted(found, key=lambda f: (f["departure_time"], f["flight_number"]))


def method_text(m: dict) -> str:
    return f"{m['brand'].title()} card ending in {m['last_four']}" if m["kind"] == "credit_card" else m["kind"].replace("_", " ")


def start(a: Airline, tid: str, user: dict, question: str, want: str) -> TaskBuilder:
    """A builder with the user's identity fact."""
    b = TaskBuilder(tid, ENV, question, TOOLS, f"You are {user['first_name']} {user['last_name']}, user id "
                    f"{user['user_id']}. {want}")
    b.fact(f"My user id is {user['user_id']}.", "user id")
    return b


def authenticate(b: TaskBuilder, user: dict) -> None:
    b.say("I can help with that. First, could you please tell me your user id?")
    b.call("get_user_details", user_id=user["user_id"])


def ask_reservation(b: TaskBuilder, user: dict, extra: str) -> None:
    b.say(f"Thanks, {user['first_name']}. Which reservation is it{extra}?")


def t_cancel(rng: random.Random, a: Airline, tid: str, r: dict, refuse: bool) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    reason = "airline cancelled flight" if a.has_cancelled_flight(r) else "change of plan"
    refund = money(a.net_paid(rid))
    payer = method_text(a.methods[a.payments[rid][0]["payment_method_id"]])
    if refuse:
        b = start(a, tid, user, "Hi, if I cancel my reservation, how much money would I get back?",
                  f"You are thinking of cancelling reservation {rid} ({reason}). Ask what the refund would be, "
                  "then decline the cancellation when asked to confirm.")
        b.confirm = False
    else:
        b = start(a, tid, user, rng.choice(["Hi, I need to cancel a reservation.", "Hello, please cancel my trip."]),
                  f"You want to cancel reservation {rid}; the reason is: {reason}. Confirm when asked.")
        b.goal("cancelled", "canceled").nudge(f"Please cancel reservation {rid}; the reason is {reason}.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN).fact(f"The reason is: {reason}.", "reason", "why")
    b.output(refund)
    authenticate(b, user)
    ask_reservation(b, user, ", and what is the reason for cancelling")
    b.call("get_reservation_details", reservation_id=rid)
    b.say(f"Reservation {rid} can be cancelled under our policy, and you would get ${refund} back on your {payer}. "
          f"Do you confirm that I should cancel reservation {rid} (yes/no)?")
    if refuse:
        b.say(f"Understood, I have not cancelled reservation {rid}. {CLOSING}")
    else:
        b.call("cancel_reservation", reservation_id=rid, reason=reason)
        b.say(f"Reservation {rid} has been cancelled; ${refund} will be refunded to your {payer}. {CLOSING}")
    return b


def t_bags(rng: random.Random, a: Airline, tid: str, r: dict, add: int) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    n = len(a.passengers[rid])
    free = FREE_BAGS[(r["cabin"], user["membership"])] * n
    new_total = r["total_baggages"] + add
    fee = BAG_FEE * (max(0, new_total - free) - max(0, r["total_baggages"] - free))
    card = a.card(user["user_id"])
    b = start(a, tid, user, "Hi, I'd like to add checked bags to my reservation.",
              f"You want to add {add} checked bag(s) to reservation {rid} (so {new_total} in total), paying with "
              f"your {method_text(card)}. Confirm when asked.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN)
    b.fact(f"I want to add {add} bag{'s' if add > 1 else ''}, so {new_total} in total.", "how many", "bags")
    b.fact(f"Please use my {method_text(card)}.", "payment method", "pay with", "which card", "how would you like to pay")
    b.goal("added", "updated").output(money(fee)).nudge(f"Please add {add} checked bag(s) to reservation {rid}.")
    authenticate(b, user)
    ask_reservation(b, user, ", how many bags would you like to add, and which payment method should I use")
    b.call("get_reservation_details", reservation_id=rid)
    b.say(f"Your reservation allows {free} free checked bags. Going to {new_total} bags costs ${money(fee)}, "
          f"charged to your {method_text(card)}. Do you confirm (yes/no)?")
    b.call("update_reservation_baggages", reservation_id=rid, total_baggages=new_total,
           payment_method_id=card["payment_method_id"])
    b.say(f"Done: reservation {rid} now has {new_total} checked bags, and ${money(fee)} was charged. {CLOSING}")
    return b


def t_passenger(rng: random.Random, a: Airline, tid: str, r: dict) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    people = a.passengers[rid]
    target = rng.choice(people)
    new_dob = f"{int(target['dob'][:4]) + rng.choice([-1, 1])}{target['dob'][4:]}"
    name = f"{target['first_name']} {target['last_name']}"
    b = start(a, tid, user, "Hi, there's a mistake in a passenger's details on my reservation.",
              f"On reservation {rid}, the date of birth of {name} should be {new_dob}. Confirm when asked.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN)
    b.fact(f"The date of birth of {name} should be {new_dob}.", "which passenger", "what should", "correct", "mistake")
    b.goal("updated", "corrected").nudge(f"On reservation {rid}, {name}'s date of birth should be {new_dob}.")
    authenticate(b, user)
    ask_reservation(b, user, ", and what needs to be corrected")
    b.call("get_reservation_details", reservation_id=rid)
    b.say(f"I will change the date of birth of {name} on reservation {rid} to {new_dob} and keep everything else. "
          "Do you confirm (yes/no)?")
    b.call("update_reservation_passengers", reservation_id=rid, passengers=[
        {"first_name": p["first_name"], "last_name": p["last_name"], "dob": new_dob if p is target else p["dob"]}
        for p in people])
    b.say(f"The passenger details have been updated: {name}'s date of birth is now {new_dob}. {CLOSING}")
    return b


def t_move(rng: random.Random, a: Airline, tid: str, r: dict, new_day: str) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    seg = a.segments[rid][0]
    n = len(a.passengers[rid])
    fare = a.dates[(seg["flight_number"], new_day)][f"price_{r['cabin']}_cents"]
    diff = (fare - seg["price_cents"]) * n
    card = a.card(user["user_id"])
    b = start(a, tid, user, "Hi, I need to move my flight to a different day.",
              f"You want reservation {rid} moved to the same flight on {new_day}, paying or receiving any "
              f"difference on your {method_text(card)}. Confirm when asked.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN).fact(f"I'd like to fly on {new_day} instead.", "which date", "what date", "which day", "when")
    b.fact(f"Please use my {method_text(card)}.", "payment method", "pay with", "which card")
    b.goal("changed", "moved", "updated").output(money(abs(diff))).nudge(f"Please move reservation {rid} to {new_day}.")
    authenticate(b, user)
    ask_reservation(b, user, ", which date would you like instead, and which payment method should I use for any fare difference")
    b.call("get_reservation_details", reservation_id=rid)
    b.call("search_direct_flights", origin=r["origin"], destination=r["destination"], date=new_day)
    delta = f"you pay ${money(diff)} more" if diff > 0 else f"you get ${money(-diff)} back"
    b.say(f"Flight {seg['flight_number']} on {new_day} is available. The fare difference for {n} passenger(s) is "
          f"${money(abs(diff))} ({delta}, on your {method_text(card)}). Do you confirm the change (yes/no)?")
    b.call("update_reservation_flights", reservation_id=rid, cabin=r["cabin"],
           flights=[{"flight_number": seg["flight_number"], "date": new_day}], payment_method_id=card["payment_method_id"])
    b.say(f"Your flight has been changed to {seg['flight_number']} on {new_day}; the fare difference of "
          f"${money(abs(diff))} was settled on your {method_text(card)}. {CLOSING}")
    return b


def t_upgrade(rng: random.Random, a: Airline, tid: str, r: dict) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    segs, n = a.segments[rid], len(a.passengers[rid])
    diff = (sum(a.dates[(s["flight_number"], s["date"])]["price_business_cents"] for s in segs)
            - sum(s["price_cents"] for s in segs)) * n
    card = a.card(user["user_id"])
    b = start(a, tid, user, "Hi, I'd like to upgrade my reservation to business class.",
              f"You want reservation {rid} upgraded to business, paying with your {method_text(card)}. Confirm when asked.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN).fact(f"Please use my {method_text(card)}.", "payment method", "pay with", "which card")
    b.goal("upgraded", "business").output(money(diff)).nudge(f"Please upgrade reservation {rid} to business class.")
    authenticate(b, user)
    ask_reservation(b, user, ", and which payment method should I use for the upgrade")
    b.call("get_reservation_details", reservation_id=rid)
    for s in segs:
        b.call("get_flight_status", flight_number=s["flight_number"], date=s["date"])
    b.say(f"Upgrading all {len(segs)} flight(s) of reservation {rid} to business for {n} passenger(s) costs "
          f"${money(diff)}, charged to your {method_text(card)}. Do you confirm the upgrade (yes/no)?")
    b.call("update_reservation_flights", reservation_id=rid, cabin="business",
           flights=[{"flight_number": s["flight_number"], "date": s["date"]} for s in segs],
           payment_method_id=card["payment_method_id"])
    b.say(f"Reservation {rid} has been upgraded to business; ${money(diff)} was charged. {CLOSING}")
    return b


def t_book(rng: random.Random, a: Airline, tid: str, user: dict, flight: dict, day: str, cabin: str,
           bags: int, insurance: bool) -> TaskBuilder:
    card = a.card(user["user_id"])
    fare = a.dates[(flight["flight_number"], day)][f"price_{cabin}_cents"]
    total = fare + (INSURANCE if insurance else 0) + BAG_FEE * max(0, bags - FREE_BAGS[(cabin, user["membership"])])
    rid = f"B{len(a.db['reservations']) + 1:05d}"
    src, dst = flight["origin"], flight["destination"]
    trip = f"from {AIRPORTS[src]} ({src}) to {AIRPORTS[dst]} ({dst}) on {day}"
    b = start(a, tid, user, "Hi, I'd like to book a flight.",
              f"You want the cheapest direct {cabin} flight {trip}, one way, just for yourself (born {user['dob']}), "
              f"with {bags} checked bag(s), {'with' if insurance else 'without'} travel insurance, paid with your "
              f"{method_text(card)}. Confirm when asked.")
    b.fact(f"One way {trip}, the cheapest direct flight please.", "where", "which date", "what date", "when", "from")
    b.fact(f"{cabin.title()} class.", "cabin", "class")
    b.fact(f"Just me: {user['first_name']} {user['last_name']}, born {user['dob']}.", "passenger", "who", "date of birth")
    b.fact(f"{bags} checked bag{'s' if bags != 1 else ''}.", "bag", "luggage")
    b.fact("Yes, I want travel insurance." if insurance else "No insurance, thanks.", "insurance")
    b.fact(f"Please use my {method_text(card)}.", "payment method", "pay with", "which card", "how would you like to pay")
    b.goal("booked").output(rid).output(money(total)).nudge(f"I'd like to book the cheapest direct {cabin} flight {trip}.")
    authenticate(b, user)
    b.say(f"Thanks, {user['first_name']}. Where and when would you like to fly, in which cabin, who are the "
          "passengers, how many checked bags, do you want travel insurance, and which payment method should I use?")
    b.call("search_direct_flights", origin=src, destination=dst, date=day)
    b.say(f"The cheapest direct {cabin} flight is {flight['flight_number']}, departing {flight['departure_time']}, "
          f"at ${money(fare)}. With {bags} checked bag(s) and {'insurance' if insurance else 'no insurance'}, the total "
          f"is ${money(total)}, charged to your {method_text(card)}. Do you confirm the booking (yes/no)?")
    b.call("book_reservation", user_id=user["user_id"], origin=src, destination=dst, trip_type="one_way", cabin=cabin,
           flights=[{"flight_number": flight["flight_number"], "date": day}],
           passengers=[{"first_name": user["first_name"], "last_name": user["last_name"], "dob": user["dob"]}],
           payment_method_id=card["payment_method_id"], total_baggages=bags, insurance=insurance)
    b.say(f"You're booked: reservation {rid} on flight {flight['flight_number']} {trip}, ${money(total)} charged. {CLOSING}")
    return b


def t_status(rng: random.Random, a: Airline, tid: str, user: dict, inst: dict) -> TaskBuilder:
    number, day = inst["flight_number"], inst["date"]
    b = start(a, tid, user, f"Hi, what's the status of flight {number} on {day}?",
              f"You want to know the status of flight {number} on {day}.")
    b.output(inst["status"]).nudge(f"I just want the status of flight {number} on {day}.")
    b.call("get_flight_status", flight_number=number, date=day)
    b.say(f"Flight {number} on {day} is {inst['status']}. {CLOSING}")
    return b


def t_compensation(rng: random.Random, a: Airline, tid: str, r: dict) -> TaskBuilder:
    user, rid = a.users[r["user_id"]], r["reservation_id"]
    n = len(a.passengers[rid])
    seg = next(s for s in a.segments[rid] if a.dates[(s["flight_number"], s["date"])]["status"] == "cancelled")
    amount = 100 * n
    b = start(a, tid, user, f"Hi, my flight {seg['flight_number']} on {seg['date']} was cancelled. Am I entitled to any compensation?",
              f"Your flight {seg['flight_number']} on {seg['date']} (reservation {rid}) was cancelled; you ask for "
              "compensation and accept a travel certificate. Confirm when asked.")
    b.fact(f"It's reservation {rid}.", *RES_WHEN)
    b.goal("certificate").output(money(amount * 100)).nudge(f"My reservation {rid} had a cancelled flight; I'd like compensation.")
    authenticate(b, user)
    ask_reservation(b, user, "")
    b.call("get_reservation_details", reservation_id=rid)
    b.call("get_flight_status", flight_number=seg["flight_number"], date=seg["date"])
    b.say(f"I'm sorry: flight {seg['flight_number']} was cancelled, and your reservation qualifies for compensation. "
          f"I can send you a travel certificate of ${money(amount * 100)} ($100 per passenger). Shall I send it (yes/no)?")
    b.call("send_certificate", user_id=user["user_id"], amount=amount)
    b.say(f"A travel certificate of ${money(amount * 100)} has been added to your account. {CLOSING}")
    return b


def t_cheapest(rng: random.Random, a: Airline, tid: str, user: dict, src: str, dst: str, day: str) -> TaskBuilder:
    options = a.direct(src, dst, day, "economy", 1)
    best = min(options, key=lambda f: (a.dates[(f["flight_number"], day)]["price_economy_cents"], f["departure_time"]))
    fare = money(a.dates[(best["flight_number"], day)]["price_economy_cents"])
    b = start(a, tid, user, f"Hi, what's the cheapest economy direct flight from {AIRPORTS[src]} to {AIRPORTS[dst]} on {day}?",
              f"You want the flight number and economy fare of the cheapest direct flight from {src} to {dst} on {day}.")
    b.output(best["flight_number"]).output(fare).nudge(f"Just tell me the cheapest direct flight {src} to {dst} on {day}.")
    b.call("list_airports")
    b.call("search_direct_flights", origin=src, destination=dst, date=day)
    b.say(f"The cheapest economy direct flight from {src} to {dst} on {day} is {best['flight_number']}, "
          f"departing {best['departure_time']}, at ${fare}. {CLOSING}")
    return b


def build_tasks(db: dict[str, list[dict[str, Any]]], seed: int = SEED) -> list[dict[str, Any]]:
    """120 task records; a fifth of each kind is in the test split (96 train, 24 test)."""
    rng = random.Random(f"travel-tasks-{seed}")
    a = Airline(db)
    future = a.active_future()
    rng.shuffle(future)
    users = sorted(a.users.values(), key=lambda u: u["user_id"])
    builders: list[tuple[str, TaskBuilder]] = []

    def add(kind: str, make: Callable[[str], TaskBuilder]) -> None:
        builders.append((kind, make(f"travel-{kind}-{sum(k == kind for k, _ in builders):03d}")))

    cancellable = [r for r in future if a.cancellable(r)]
    for r in cancellable[:16]:
        add("cancel", lambda tid, r=r: t_cancel(rng, a, tid, r, refuse=False))
    for r in cancellable[16:24]:
        add("cancel_refused", lambda tid, r=r: t_cancel(rng, a, tid, r, refuse=True))
    for r in future[:14]:
        add("add_bags", lambda tid, r=r: t_bags(rng, a, tid, r, rng.randint(1, 2) + FREE_BAGS[(r["cabin"], a.users[r["user_id"]]["membership"])] * len(a.passengers[r["reservation_id"]])))
    for r in future[14:26]:
        add("fix_passenger", lambda tid, r=r: t_passenger(rng, a, tid, r))
    movable = []
    for r in future:
        seg, n = a.segments[r["reservation_id"]][0], len(a.passengers[r["reservation_id"]])
        days_ok = [d for d in days(dt.date(2025, 5, 16), LAST_DAY) if d != seg["date"]
                   and a.bookable(seg["flight_number"], d, r["cabin"], n)
                   and a.dates[(seg["flight_number"], d)][f"price_{r['cabin']}_cents"] != seg["price_cents"]]
        if r["trip_type"] == "one_way" and days_ok:
            movable.append((r, rng.choice(days_ok)))
    for r, day in movable[:14]:
        add("move_flight", lambda tid, r=r, d=day: t_move(rng, a, tid, r, d))
    upgradable = [r for r in future if r["cabin"] == "economy" and all(
        a.bookable(s["flight_number"], s["date"], "business", len(a.passengers[r["reservation_id"]]))
        for s in a.segments[r["reservation_id"]])]
    for r in upgradable[:10]:
        add("upgrade", lambda tid, r=r: t_upgrade(rng, a, tid, r))
    booked = 0
    while booked < 16:
        user, flight = rng.choice(users), rng.choice(db["flights"])
        day, cabin = rng.choice(days(dt.date(2025, 5, 16), LAST_DAY)), rng.choice(["economy", "economy", "business"])
        options = a.direct(flight["origin"], flight["destination"], day, cabin, 1)
        if not options:
            continue
        cheapest = min(options, key=lambda f: (a.dates[(f["flight_number"], day)][f"price_{cabin}_cents"], f["departure_time"]))
        if cheapest["flight_number"] != flight["flight_number"] or len(options) > 1 and any(
                a.dates[(f["flight_number"], day)][f"price_{cabin}_cents"] == a.dates[(flight["flight_number"], day)][f"price_{cabin}_cents"]
                for f in options if f is not flight):
            continue
        add("book", lambda tid, u=user, f=flight, d=day, c=cabin: t_book(rng, a, tid, u, f, d, c, rng.randint(0, 3), rng.random() < 0.3))
        booked += 1
    future_dates = [d for d in db["flight_dates"] if d["date"] >= TODAY]
    for inst in rng.sample([d for d in future_dates if d["status"] != "available"], 5) + rng.sample(
            [d for d in future_dates if d["status"] == "available"], 5):
        add("flight_status", lambda tid, i=inst: t_status(rng, a, tid, rng.choice(users), i))
    compensable = [r for r in future if a.has_cancelled_flight(r) and (
        a.users[r["user_id"]]["membership"] != "regular" or r["insurance"] or r["cabin"] == "business")]
    for r in compensable[:10]:
        add("compensation", lambda tid, r=r: t_compensation(rng, a, tid, r))
    routes = [(f["origin"], f["destination"]) for f in db["flights"]]
    asked = 0
    while asked < 10:
        (src, dst), day = rng.choice(routes), rng.choice(days(dt.date(2025, 5, 16), LAST_DAY))
        if a.direct(src, dst, day, "economy", 1):
            add("cheapest_flight", lambda tid, s=src, t=dst, d=day: t_cheapest(rng, a, tid, rng.choice(users), s, t, d))
            asked += 1
    test = stratified_test_set([kind for kind, _ in builders], rng)
    return [b.record("test" if i in test else "train", {"kind": kind, "domain": ENV, "source": "toolgym-generated",
                                                        "seed": seed})
            for i, (kind, b) in enumerate(builders)]


def write(seed: int = SEED, out: Path = DATA_DIR) -> None:
    """Regenerate ``data/db.json`` and ``data/tasks.jsonl``."""
    db = build_db(seed)
    write_domain_data(out, db, build_tasks(db, seed))


if __name__ == "__main__":
    write()
