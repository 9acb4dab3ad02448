"""The travel domain's 13 tools: 7 reads (profile, reservation, airports, search, status, calculator) and 6 writes.

Tools enforce hard rules (seats, balances, active reservations, flights that have not departed);
the policy document carries the rest (who may cancel, who gets compensation), for the agent to
follow. Today is :data:`TODAY` in this world. Amounts in results are dollar strings with two decimals.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolgym.apis.common import calculate as _calculate
from toolgym.apis.common import money
from toolgym.apis.domain import api
from toolgym.apis.errors import ApiError
from toolgym_envs.travel.models import (
    Airport, Flight, FlightDate, Passenger, PaymentMethod, Reservation, ReservationFlight, ReservationPayment, User,
)

TODAY = "2025-05-15"
BAG_FEE_CENTS = 5000
INSURANCE_CENTS = 3000
#: Free checked bags per passenger, by (cabin, membership).
FREE_BAGS = {("economy", "regular"): 1, ("economy", "silver"): 2, ("economy", "gold"): 3,
             ("business", "regular"): 2, ("business", "silver"): 3, ("business", "gold"): 4}
MAX_PASSENGERS = 5


# ----------------------------------------------------------------------------------- helpers
def _user(db: Session, user_id: str) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise ApiError(f"user {user_id!r} not found")
    return user


def _reservation(db: Session, reservation_id: str, active: bool = False) -> Reservation:
    res = db.get(Reservation, reservation_id)
    if res is None:
        raise ApiError(f"reservation {reservation_id!r} not found")
    if active and res.status != "active":
        raise ApiError(f"reservation {reservation_id} is {res.status}")
    return res


def _method(db: Session, user_id: str, payment_method_id: str) -> PaymentMethod:
    method = db.get(PaymentMethod, payment_method_id)
    if method is None or method.user_id != user_id:
        raise ApiError(f"payment method {payment_method_id!r} not found for this user")
    return method


def _segments(db: Session, reservation_id: str) -> list[ReservationFlight]:
    return list(db.scalars(select(ReservationFlight).where(ReservationFlight.reservation_id == reservation_id)
                           .order_by(ReservationFlight.seq)))


def _passengers(db: Session, reservation_id: str) -> list[Passenger]:
    return list(db.scalars(select(Passenger).where(Passenger.reservation_id == reservation_id).order_by(Passenger.seq)))


def _payments(db: Session, reservation_id: str) -> list[ReservationPayment]:
    return list(db.scalars(select(ReservationPayment).where(ReservationPayment.reservation_id == reservation_id)
                           .order_by(ReservationPayment.seq)))


def _record_payment(db: Session, reservation_id: str, kind: str, method: PaymentMethod, cents: int) -> None:
    seq = db.scalar(select(func.coalesce(func.max(ReservationPayment.seq), 0))
                    .where(ReservationPayment.reservation_id == reservation_id))
    db.add(ReservationPayment(reservation_id=reservation_id, seq=int(seq) + 1, kind=kind,
                              payment_method_id=method.payment_method_id, amount_cents=cents))


def _charge(db: Session, reservation_id: str, method: PaymentMethod, cents: int) -> None:
    """Charge (cents > 0) or refund (cents < 0); gift cards and certificates must cover charges."""
    if cents == 0:
        return
    if method.kind in ("gift_card", "certificate"):
        if cents > 0 and (method.balance_cents or 0) < cents:
            raise ApiError(f"the {method.kind.replace('_', ' ')} balance is not enough")
        method.balance_cents = (method.balance_cents or 0) - cents
    _record_payment(db, reservation_id, "payment" if cents > 0 else "refund", method, abs(cents))


def _bookable(db: Session, flight_number: str, date: str, cabin: str, seats: int) -> FlightDate:
    instance = db.get(FlightDate, (flight_number, date))
    if instance is None:
        raise ApiError(f"flight {flight_number} does not fly on {date}")
    if instance.status != "available":
        raise ApiError(f"flight {flight_number} on {date} is {instance.status} and cannot be booked")
    if getattr(instance, f"seats_{cabin}") < seats:
        raise ApiError(f"flight {flight_number} on {date} has fewer than {seats} {cabin} seats left")
    return instance


def _flight_refs(flights: list[dict[str, str]]) -> list[tuple[str, str]]:
    if not flights:
        raise ApiError("flights must not be empty")
    refs = []
    for f in flights:
        if set(f) != {"flight_number", "date"}:
            raise ApiError('each flight must be {"flight_number": ..., "date": "YYYY-MM-DD"}')
        refs.append((f["flight_number"], f["date"]))
    return refs


def _passenger_rows(passengers: list[dict[str, str]]) -> list[dict[str, str]]:
    if not 1 <= len(passengers) <= MAX_PASSENGERS:
        raise ApiError(f"a reservation has 1 to {MAX_PASSENGERS} passengers")
    for p in passengers:
        if set(p) != {"first_name", "last_name", "dob"}:
            raise ApiError('each passenger must be {"first_name": ..., "last_name": ..., "dob": "YYYY-MM-DD"}')
    return passengers


def _take_seats(instance: FlightDate, cabin: str, seats: int) -> None:
    setattr(instance, f"seats_{cabin}", getattr(instance, f"seats_{cabin}") - seats)


def _nonfree_bags(bags: int, cabin: str, membership: str, passengers: int) -> int:
    return max(0, bags - FREE_BAGS[(cabin, membership)] * passengers)


def _reservation_view(db: Session, res: Reservation) -> dict[str, Any]:
    payments = _payments(db, res.reservation_id)
    paid = sum(p.amount_cents if p.kind == "payment" else -p.amount_cents for p in payments)
    view: dict[str, Any] = {
        "reservation_id": res.reservation_id, "user_id": res.user_id, "origin": res.origin,
        "destination": res.destination, "trip_type": res.trip_type, "cabin": res.cabin,
        "flights": [{"flight_number": s.flight_number, "date": s.date, "price": money(s.price_cents)}
                    for s in _segments(db, res.reservation_id)],
        "passengers": [{"first_name": p.first_name, "last_name": p.last_name, "dob": p.dob}
                       for p in _passengers(db, res.reservation_id)],
        "total_baggages": res.total_baggages, "insurance": res.insurance, "status": res.status,
        "created_at": res.created_at,
        "payments": [{"kind": p.kind, "payment_method_id": p.payment_method_id, "amount": money(p.amount_cents)}
                     for p in payments],
        "net_paid": money(paid),
    }
    if res.cancel_reason:
        view["cancel_reason"] = res.cancel_reason
    return view


def _flight_view(flight: Flight, instance: FlightDate) -> dict[str, Any]:
    return {"flight_number": flight.flight_number, "origin": flight.origin, "destination": flight.destination,
            "date": instance.date, "departure_time": flight.departure_time, "arrival_time": flight.arrival_time,
            "status": instance.status,
            "prices": {"economy": money(instance.price_economy_cents), "business": money(instance.price_business_cents)},
            "seats": {"economy": instance.seats_economy, "business": instance.seats_business}}


def _departures(db: Session, origin: str, date: str) -> list[tuple[Flight, FlightDate]]:
    rows = db.execute(select(Flight, FlightDate).join(FlightDate, FlightDate.flight_number == Flight.flight_number)
                      .where(Flight.origin == origin, FlightDate.date == date, FlightDate.status == "available")
                      .order_by(Flight.departure_time, Flight.flight_number))
    return [(f, d) for f, d in rows]


# ----------------------------------------------------------------------------------- reads
@api("read")
def get_user_details(db: Session, user_id: str) -> dict[str, Any]:
    """Get a user's profile: name, email, date of birth, membership, payment methods and reservation ids.

    Args:
        user_id: the user id, e.g. "mia_kim_3021"
    """
    user = _user(db, user_id)
    methods = db.scalars(select(PaymentMethod).where(PaymentMethod.user_id == user_id)
                         .order_by(PaymentMethod.payment_method_id))
    reservations = db.scalars(select(Reservation.reservation_id).where(Reservation.user_id == user_id)
                              .order_by(Reservation.reservation_id))
    return {
        "user_id": user.user_id, "name": f"{user.first_name} {user.last_name}", "email": user.email, "dob": user.dob,
        "membership": user.membership,
        "payment_methods": [
            {"payment_method_id": m.payment_method_id, "kind": m.kind,
             **({"brand": m.brand, "last_four": m.last_four} if m.kind == "credit_card" else {"balance": money(m.balance_cents or 0)})}
            for m in methods],
        "reservations": list(reservations),
    }


@api("read")
def get_reservation_details(db: Session, reservation_id: str) -> dict[str, Any]:
    """Get a reservation: flights with prices paid, passengers, cabin, bags, insurance, status and payments.

    Args:
        reservation_id: the reservation id, e.g. "KX3T9B"
    """
    return _reservation_view(db, _reservation(db, reservation_id))


@api("read")
def list_airports(db: Session) -> dict[str, str]:
    """List every airport as a map from IATA code to city."""
    return {a.code: a.city for a in db.scalars(select(Airport).order_by(Airport.code))}


@api("read")
def search_direct_flights(db: Session, origin: str, destination: str, date: str) -> list[dict[str, Any]]:
    """Search bookable direct flights between two airports on a date, with prices and seats left.

    Args:
        origin: IATA code of the departure airport, e.g. "JFK"
        destination: IATA code of the arrival airport, e.g. "SFO"
        date: the travel date, "YYYY-MM-DD"
    """
    return [_flight_view(f, d) for f, d in _departures(db, origin, date) if f.destination == destination]


@api("read")
def search_onestop_flights(db: Session, origin: str, destination: str, date: str) -> list[list[dict[str, Any]]]:
    """Search bookable one-stop connections (same day, the second leg leaves after the first lands).

    Args:
        origin: IATA code of the departure airport
        destination: IATA code of the arrival airport
        date: the travel date, "YYYY-MM-DD"
    """
    out = []
    for first, first_date in _departures(db, origin, date):
        if first.destination == destination:
            continue
        for second, second_date in _departures(db, first.destination, date):
            if second.destination == destination and second.departure_time > first.arrival_time:
                out.append([_flight_view(first, first_date), _flight_view(second, second_date)])
    return out


@api("read")
def get_flight_status(db: Session, flight_number: str, date: str) -> str:
    """Get the status of a flight on a date: available, delayed, cancelled or landed.

    Args:
        flight_number: e.g. "TG104"
        date: "YYYY-MM-DD"
    """
    instance = db.get(FlightDate, (flight_number, date))
    if instance is None:
        raise ApiError(f"flight {flight_number} does not fly on {date}")
    return instance.status


@api("read")
def calculate(db: Session, expression: str) -> str:
    """Evaluate an arithmetic expression (numbers, + - * / and parentheses), rounded to 2 decimals.

    Args:
        expression: e.g. "2 * (189.50 + 30)"
    """
    return _calculate(expression)


# ----------------------------------------------------------------------------------- writes
@api("write")
def book_reservation(db: Session, user_id: str, origin: str, destination: str,
                     trip_type: Literal["one_way", "round_trip"], cabin: Literal["economy", "business"],
                     flights: list[dict[str, str]], passengers: list[dict[str, str]], payment_method_id: str,
                     total_baggages: int, insurance: bool) -> dict[str, Any]:
    """Book a reservation and charge it to one payment method.

    The price is the cabin fare of every flight per passenger, plus $30 per passenger for travel
    insurance, plus $50 for every checked bag beyond the free allowance.

    Args:
        user_id: the user who books (and pays)
        origin: IATA code where the trip starts
        destination: IATA code of the destination
        trip_type: "one_way" or "round_trip" (a round trip ends back at the origin)
        cabin: "economy" or "business", for every flight
        flights: the flights in order, each {"flight_number": ..., "date": "YYYY-MM-DD"}
        passengers: each {"first_name": ..., "last_name": ..., "dob": "YYYY-MM-DD"}
        payment_method_id: a credit card, gift card or certificate of the user
        total_baggages: checked bags for the whole reservation
        insurance: whether to buy travel insurance
    """
    user = _user(db, user_id)
    method = _method(db, user_id, payment_method_id)
    rows, refs = _passenger_rows(passengers), _flight_refs(flights)
    if total_baggages < 0:
        raise ApiError("total_baggages must be >= 0")
    legs = []
    for number, date in refs:
        flight = db.get(Flight, number)
        if flight is None:
            raise ApiError(f"flight {number!r} not found")
        legs.append((flight, _bookable(db, number, date, cabin, len(rows))))
    end = origin if trip_type == "round_trip" else destination
    if legs[0][0].origin != origin or legs[-1][0].destination != end:
        raise ApiError(f"the flights do not make a {trip_type} trip from {origin} to {destination}")
    count = db.scalar(select(func.count()).select_from(Reservation))
    rid = f"B{int(count) + 1:05d}"
    fares = [getattr(inst, f"price_{cabin}_cents") for _, inst in legs]
    total = (sum(fares) * len(rows) + (INSURANCE_CENTS * len(rows) if insurance else 0)
             + BAG_FEE_CENTS * _nonfree_bags(total_baggages, cabin, user.membership, len(rows)))
    res = Reservation(reservation_id=rid, user_id=user_id, origin=origin, destination=destination, trip_type=trip_type,
                      cabin=cabin, total_baggages=total_baggages, insurance=insurance, status="active",
                      created_at=TODAY, cancel_reason=None)
    db.add(res)
    for seq, ((flight, inst), fare) in enumerate(zip(legs, fares), 1):
        db.add(ReservationFlight(reservation_id=rid, seq=seq, flight_number=flight.flight_number, date=inst.date,
                                 price_cents=fare))
        _take_seats(inst, cabin, len(rows))
    for seq, p in enumerate(rows, 1):
        db.add(Passenger(reservation_id=rid, seq=seq, **p))
    db.flush()
    _charge(db, rid, method, total)
    db.flush()
    return _reservation_view(db, res)


@api("write")
def cancel_reservation(db: Session, reservation_id: str,
                       reason: Literal["change of plan", "airline cancelled flight", "other"]) -> dict[str, Any]:
    """Cancel a whole reservation whose flights have not departed; every payment is refunded to its method.

    Args:
        reservation_id: the reservation id
        reason: "change of plan", "airline cancelled flight" or "other"
    """
    res = _reservation(db, reservation_id, active=True)
    segments = _segments(db, reservation_id)
    if any(s.date < TODAY for s in segments):
        raise ApiError("part of this trip has already been flown; it cannot be cancelled")
    net: dict[str, int] = {}
    for p in _payments(db, reservation_id):
        net[p.payment_method_id] = net.get(p.payment_method_id, 0) + (p.amount_cents if p.kind == "payment" else -p.amount_cents)
    for method_id, cents in sorted(net.items()):
        if cents > 0:
            _charge(db, reservation_id, db.get(PaymentMethod, method_id), -cents)
    passengers = len(_passengers(db, reservation_id))
    for s in segments:
        instance = db.get(FlightDate, (s.flight_number, s.date))
        if instance is not None:
            _take_seats(instance, res.cabin, -passengers)
    res.status, res.cancel_reason = "cancelled", reason
    db.flush()
    return _reservation_view(db, res)


@api("write")
def update_reservation_baggages(db: Session, reservation_id: str, total_baggages: int,
                                payment_method_id: str) -> dict[str, Any]:
    """Raise the number of checked bags; each new bag beyond the free allowance costs $50.

    Args:
        reservation_id: the reservation id
        total_baggages: the new total number of checked bags (not less than now)
        payment_method_id: pays the bag fees
    """
    res = _reservation(db, reservation_id, active=True)
    if total_baggages < res.total_baggages:
        raise ApiError("checked bags can be added, not removed")
    user = _user(db, res.user_id)
    method = _method(db, res.user_id, payment_method_id)
    n = len(_passengers(db, reservation_id))
    fee = BAG_FEE_CENTS * (_nonfree_bags(total_baggages, res.cabin, user.membership, n)
                           - _nonfree_bags(res.total_baggages, res.cabin, user.membership, n))
    _charge(db, reservation_id, method, fee)
    res.total_baggages = total_baggages
    db.flush()
    return _reservation_view(db, res)


@api("write")
def update_reservation_passengers(db: Session, reservation_id: str, passengers: list[dict[str, str]]) -> dict[str, Any]:
    """Replace the passenger details of a reservation (the number of passengers cannot change).

    Args:
        reservation_id: the reservation id
        passengers: every passenger, each {"first_name": ..., "last_name": ..., "dob": "YYYY-MM-DD"}
    """
    res = _reservation(db, reservation_id, active=True)
    current = _passengers(db, reservation_id)
    rows = _passenger_rows(passengers)
    if len(rows) != len(current):
        raise ApiError(f"the reservation has {len(current)} passengers; give exactly that many")
    for row, p in zip(current, rows):
        row.first_name, row.last_name, row.dob = p["first_name"], p["last_name"], p["dob"]
    db.flush()
    return _reservation_view(db, res)


@api("write")
def update_reservation_flights(db: Session, reservation_id: str, cabin: Literal["economy", "business"],
                               flights: list[dict[str, str]], payment_method_id: str) -> dict[str, Any]:
    """Change the flights and/or cabin of a reservation; the fare difference is charged or refunded.

    Unchanged flights in an unchanged cabin keep the fare paid; every other flight costs today's fare.

    Args:
        reservation_id: the reservation id
        cabin: the cabin for every flight after the change
        flights: all flights after the change, each {"flight_number": ..., "date": "YYYY-MM-DD"}
        payment_method_id: pays (or receives) the difference
    """
    res = _reservation(db, reservation_id, active=True)
    method = _method(db, res.user_id, payment_method_id)
    refs = _flight_refs(flights)
    old = _segments(db, reservation_id)
    n = len(_passengers(db, reservation_id))
    kept = {(s.flight_number, s.date): s.price_cents for s in old} if cabin == res.cabin else {}
    new_legs = []
    for ref in refs:
        if ref in kept:
            new_legs.append((ref, kept[ref], None))
        else:
            instance = _bookable(db, ref[0], ref[1], cabin, n)
            new_legs.append((ref, getattr(instance, f"price_{cabin}_cents"), instance))
    first, last = db.get(Flight, refs[0][0]), db.get(Flight, refs[-1][0])
    end = res.origin if res.trip_type == "round_trip" else res.destination
    if first is None or last is None or first.origin != res.origin or last.destination != end:
        raise ApiError(f"the flights do not make the reservation's {res.trip_type} trip")
    diff = (sum(price for _, price, _ in new_legs) - sum(s.price_cents for s in old)) * n
    _charge(db, reservation_id, method, diff)
    for s in old:
        if (s.flight_number, s.date) not in kept:
            instance = db.get(FlightDate, (s.flight_number, s.date))
            if instance is not None:
                _take_seats(instance, res.cabin, -n)
        db.delete(s)
    db.flush()
    for seq, (ref, price, instance) in enumerate(new_legs, 1):
        if instance is not None:
            _take_seats(instance, cabin, n)
        db.add(ReservationFlight(reservation_id=reservation_id, seq=seq, flight_number=ref[0], date=ref[1], price_cents=price))
    res.cabin = cabin
    db.flush()
    return _reservation_view(db, res)


@api("write")
def send_certificate(db: Session, user_id: str, amount: int) -> str:
    """Give a user a travel certificate (a payment method) worth ``amount`` dollars, as compensation.

    Args:
        user_id: the user id
        amount: value in whole dollars, 1 to 1000
    """
    _user(db, user_id)
    if not 1 <= amount <= 1000:
        raise ApiError("amount must be between 1 and 1000 dollars")
    count = db.scalar(select(func.count()).select_from(PaymentMethod).where(PaymentMethod.kind == "certificate"))
    cid = f"certificate_{int(count) + 1:05d}"
    db.add(PaymentMethod(payment_method_id=cid, user_id=user_id, kind="certificate", brand=None, last_four=None,
                         balance_cents=amount * 100))
    return f"Certificate {cid} worth ${money(amount * 100)} added to user {user_id}."


TOOLS = (
    get_user_details, get_reservation_details, list_airports, search_direct_flights, search_onestop_flights,
    get_flight_status, calculate, book_reservation, cancel_reservation, update_reservation_baggages,
    update_reservation_passengers, update_reservation_flights, send_certificate,
)
