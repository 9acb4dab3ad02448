"""The travel (airline) database schema (SQLAlchemy). Money is stored in integer cents, dates as ISO text."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base owning the travel metadata."""


class Airport(Base):
    __tablename__ = "airports"
    code: Mapped[str] = mapped_column(String, primary_key=True)
    city: Mapped[str] = mapped_column(String)


class Flight(Base):
    __tablename__ = "flights"
    flight_number: Mapped[str] = mapped_column(String, primary_key=True)
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    departure_time: Mapped[str] = mapped_column(String)  # HH:MM local
    arrival_time: Mapped[str] = mapped_column(String)


class FlightDate(Base):
    __tablename__ = "flight_dates"
    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.flight_number"), primary_key=True)
    date: Mapped[str] = mapped_column(String, primary_key=True)
    status: Mapped[str] = mapped_column(String)  # available | delayed | cancelled | landed
    seats_economy: Mapped[int] = mapped_column(Integer)
    seats_business: Mapped[int] = mapped_column(Integer)
    price_economy_cents: Mapped[int] = mapped_column(Integer)
    price_business_cents: Mapped[int] = mapped_column(Integer)


class User(Base):
    __tablename__ = "users"
    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String)
    dob: Mapped[str] = mapped_column(String)
    membership: Mapped[str] = mapped_column(String)  # regular | silver | gold


class PaymentMethod(Base):
    __tablename__ = "payment_methods"
    payment_method_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    kind: Mapped[str] = mapped_column(String)  # credit_card | gift_card | certificate
    brand: Mapped[str | None] = mapped_column(String, nullable=True)
    last_four: Mapped[str | None] = mapped_column(String, nullable=True)
    balance_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Reservation(Base):
    __tablename__ = "reservations"
    reservation_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    origin: Mapped[str] = mapped_column(String)
    destination: Mapped[str] = mapped_column(String)
    trip_type: Mapped[str] = mapped_column(String)  # one_way | round_trip
    cabin: Mapped[str] = mapped_column(String)  # economy | business
    total_baggages: Mapped[int] = mapped_column(Integer)
    insurance: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String)  # active | cancelled
    created_at: Mapped[str] = mapped_column(String)
    cancel_reason: Mapped[str | None] = mapped_column(String, nullable=True)


class ReservationFlight(Base):
    __tablename__ = "reservation_flights"
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.reservation_id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.flight_number"))
    date: Mapped[str] = mapped_column(String)
    price_cents: Mapped[int] = mapped_column(Integer)  # per passenger


class Passenger(Base):
    __tablename__ = "passengers"
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.reservation_id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    dob: Mapped[str] = mapped_column(String)


class ReservationPayment(Base):
    __tablename__ = "reservation_payments"
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.reservation_id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String)  # payment | refund
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.payment_method_id"))
    amount_cents: Mapped[int] = mapped_column(Integer)
