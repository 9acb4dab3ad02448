"""The retail domain's 14 tools: 7 reads (lookups, catalogue, calculator) and 7 writes.

Tools enforce the hard rules (an order must be pending to be modified, delivered to be returned,
exchanges stay within one product...). Soft rules (authenticate first, confirm before writing)
are in the policy document, for the agent to follow. Amounts in results are dollar strings with
two decimals.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolgym.apis.common import calculate as _calculate
from toolgym.apis.common import money
from toolgym.apis.domain import api
from toolgym.apis.errors import ApiError
from toolgym_envs.retail.models import Item, Order, OrderItem, PaymentMethod, Product, Transaction, User

PENDING = ("pending", "pending (item modified)")


# ----------------------------------------------------------------------------------- helpers
def _user(db: Session, user_id: str) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise ApiError(f"user {user_id!r} not found")
    return user


def _order(db: Session, order_id: str) -> Order:
    order = db.get(Order, order_id)
    if order is None:
        raise ApiError(f"order {order_id!r} not found")
    return order


def _item(db: Session, item_id: str) -> Item:
    item = db.get(Item, item_id)
    if item is None:
        raise ApiError(f"item {item_id!r} not found")
    return item


def _method(db: Session, user_id: str, payment_method_id: str) -> PaymentMethod:
    method = db.get(PaymentMethod, payment_method_id)
    if method is None or method.user_id != user_id:
        raise ApiError(f"payment method {payment_method_id!r} not found for this user")
    return method


def _lines(db: Session, order_id: str) -> list[OrderItem]:
    return list(db.scalars(select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.line)))


def _transactions(db: Session, order_id: str) -> list[Transaction]:
    return list(db.scalars(select(Transaction).where(Transaction.order_id == order_id).order_by(Transaction.seq)))


def _add_transaction(db: Session, order_id: str, kind: str, method: PaymentMethod, cents: int) -> None:
    seq = db.scalar(select(func.coalesce(func.max(Transaction.seq), 0)).where(Transaction.order_id == order_id))
    db.add(Transaction(order_id=order_id, seq=int(seq) + 1, kind=kind, payment_method_id=method.payment_method_id,
                       amount_cents=cents))


def _describe_method(m: PaymentMethod) -> dict[str, Any]:
    out: dict[str, Any] = {"payment_method_id": m.payment_method_id, "kind": m.kind}
    if m.kind == "credit_card":
        out.update(brand=m.brand, last_four=m.last_four)
    if m.kind == "gift_card":
        out["balance"] = money(m.balance_cents or 0)
    return out


def _pick_lines(db: Session, order: Order, item_ids: list[str]) -> list[OrderItem]:
    if not item_ids:
        raise ApiError("item_ids must not be empty")
    if len(set(item_ids)) != len(item_ids):
        raise ApiError("item_ids must not repeat")
    by_item = {line.item_id: line for line in _lines(db, order.order_id) if line.status == "ordered"}
    missing = [i for i in item_ids if i not in by_item]
    if missing:
        raise ApiError(f"items {missing} are not (or no longer) in order {order.order_id}")
    return [by_item[i] for i in item_ids]


def _swap_targets(db: Session, lines: list[OrderItem], new_item_ids: list[str]) -> list[Item]:
    if len(new_item_ids) != len(lines):
        raise ApiError("new_item_ids must have one entry per item in item_ids")
    targets = []
    for line, new_id in zip(lines, new_item_ids):
        old, new = _item(db, line.item_id), _item(db, new_id)
        if new.product_id != old.product_id:
            raise ApiError(f"item {new_id} is not the same product as item {old.item_id}")
        if new.item_id == old.item_id:
            raise ApiError(f"item {new_id} is the same option as the current one")
        if not new.available:
            raise ApiError(f"item {new_id} is not available")
        targets.append(new)
    return targets


def _settle(db: Session, order: Order, method: PaymentMethod, diff_cents: int) -> None:
    """Charge (diff > 0) or refund (diff < 0) a price difference; gift cards must cover charges."""
    if diff_cents > 0:
        if method.kind == "gift_card":
            if (method.balance_cents or 0) < diff_cents:
                raise ApiError("the gift card balance is not enough to pay the price difference")
            method.balance_cents = (method.balance_cents or 0) - diff_cents
        _add_transaction(db, order.order_id, "payment", method, diff_cents)
    elif diff_cents < 0:
        if method.kind == "gift_card":
            method.balance_cents = (method.balance_cents or 0) - diff_cents
        _add_transaction(db, order.order_id, "refund", method, -diff_cents)


def _order_view(db: Session, order: Order) -> dict[str, Any]:
    lines = _lines(db, order.order_id)
    items = []
    for line in lines:
        item = _item(db, line.item_id)
        product = db.get(Product, item.product_id)
        entry = {"item_id": item.item_id, "product_id": item.product_id, "name": product.name if product else "",
                 "options": json.loads(item.options), "price": money(line.price_cents), "status": line.status}
        if line.exchange_item_id:
            entry["exchange_item_id"] = line.exchange_item_id
        items.append(entry)
    view: dict[str, Any] = {
        "order_id": order.order_id, "user_id": order.user_id, "status": order.status,
        "address": {"address1": order.address1, "address2": order.address2, "city": order.city,
                    "state": order.state, "zip": order.zip},
        "items": items, "total": money(sum(line.price_cents for line in lines)),
        "transactions": [{"kind": t.kind, "payment_method_id": t.payment_method_id, "amount": money(t.amount_cents)}
                         for t in _transactions(db, order.order_id)],
    }
    if order.cancel_reason:
        view["cancel_reason"] = order.cancel_reason
    return view


# ----------------------------------------------------------------------------------- reads
@api("read")
def find_user_id_by_email(db: Session, email: str) -> str:
    """Find a customer's user id from their email address.

    Args:
        email: the customer's email, e.g. "ana.silva7@example.com"
    """
    user = db.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise ApiError("no user with that email")
    return user.user_id


@api("read")
def find_user_id_by_name_zip(db: Session, first_name: str, last_name: str, zip: str) -> str:
    """Find a customer's user id from their first name, last name and zip code.

    Args:
        first_name: the customer's first name
        last_name: the customer's last name
        zip: the customer's 5-digit zip code
    """
    user = db.scalar(
        select(User).where(
            func.lower(User.first_name) == first_name.strip().lower(),
            func.lower(User.last_name) == last_name.strip().lower(),
            User.zip == zip.strip(),
        )
    )
    if user is None:
        raise ApiError("no user with that name and zip code")
    return user.user_id


@api("read")
def get_user_details(db: Session, user_id: str) -> dict[str, Any]:
    """Get a customer's profile: name, email, default address, payment methods and order ids.

    Args:
        user_id: the user id, e.g. "ana_silva_1042"
    """
    user = _user(db, user_id)
    methods = db.scalars(select(PaymentMethod).where(PaymentMethod.user_id == user_id)
                         .order_by(PaymentMethod.payment_method_id))
    orders = db.scalars(select(Order.order_id).where(Order.user_id == user_id).order_by(Order.order_id))
    return {
        "user_id": user.user_id, "name": f"{user.first_name} {user.last_name}", "email": user.email,
        "address": {"address1": user.address1, "address2": user.address2, "city": user.city,
                    "state": user.state, "zip": user.zip},
        "payment_methods": [_describe_method(m) for m in methods], "orders": list(orders),
    }


@api("read")
def get_order_details(db: Session, order_id: str) -> dict[str, Any]:
    """Get an order: status, shipping address, items with prices, total and transactions.

    Args:
        order_id: the order id, starting with '#W', e.g. "#W2001234"
    """
    return _order_view(db, _order(db, order_id))


@api("read")
def get_product_details(db: Session, product_id: str) -> dict[str, Any]:
    """Get a product's variants (item ids), with their options, prices and availability.

    Args:
        product_id: the product id, e.g. "P104"
    """
    product = db.get(Product, product_id)
    if product is None:
        raise ApiError(f"product {product_id!r} not found")
    items = db.scalars(select(Item).where(Item.product_id == product_id).order_by(Item.item_id))
    return {"product_id": product.product_id, "name": product.name,
            "variants": [{"item_id": i.item_id, "options": json.loads(i.options), "price": money(i.price_cents),
                          "available": i.available} for i in items]}


@api("read")
def list_all_product_types(db: Session) -> dict[str, str]:
    """List every product type in the catalogue as a map from product name to product id."""
    return {p.name: p.product_id for p in db.scalars(select(Product).order_by(Product.name))}


@api("read")
def calculate(db: Session, expression: str) -> str:
    """Evaluate an arithmetic expression (numbers, + - * / and parentheses), rounded to 2 decimals.

    Args:
        expression: e.g. "(19.99 + 5.01) * 2"
    """
    return _calculate(expression)


# ----------------------------------------------------------------------------------- writes
@api("write")
def cancel_pending_order(db: Session, order_id: str, reason: Literal["no longer needed", "ordered by mistake"]) -> dict[str, Any]:
    """Cancel a pending order; every payment is refunded to the method it came from.

    Args:
        order_id: the order id, e.g. "#W2001234"
        reason: why the customer cancels: "no longer needed" or "ordered by mistake"
    """
    order = _order(db, order_id)
    if order.status not in PENDING:
        raise ApiError(f"order {order_id} is {order.status}; only pending orders can be cancelled")
    net: dict[str, int] = {}
    for t in _transactions(db, order_id):
        net[t.payment_method_id] = net.get(t.payment_method_id, 0) + (t.amount_cents if t.kind == "payment" else -t.amount_cents)
    for method_id, cents in sorted(net.items()):
        if cents > 0:
            method = db.get(PaymentMethod, method_id)
            if method.kind == "gift_card":
                method.balance_cents = (method.balance_cents or 0) + cents
            _add_transaction(db, order_id, "refund", method, cents)
    order.status, order.cancel_reason = "cancelled", reason
    db.flush()
    return _order_view(db, order)


@api("write")
def modify_pending_order_address(db: Session, order_id: str, address1: str, address2: str, city: str, state: str,
                                 zip: str) -> dict[str, Any]:
    """Change the shipping address of a pending order.

    Args:
        order_id: the order id, e.g. "#W2001234"
        address1: street address, e.g. "12 Oak Street"
        address2: apartment or suite, or "" when there is none
        city: city
        state: two-letter state code, e.g. "CA"
        zip: 5-digit zip code
    """
    order = _order(db, order_id)
    if order.status not in PENDING:
        raise ApiError(f"order {order_id} is {order.status}; only pending orders can be modified")
    order.address1, order.address2, order.city, order.state, order.zip = address1, address2, city, state, zip
    db.flush()
    return _order_view(db, order)


@api("write")
def modify_pending_order_payment(db: Session, order_id: str, payment_method_id: str) -> dict[str, Any]:
    """Pay a pending order with another of the customer's payment methods; the old one is refunded.

    Args:
        order_id: the order id, e.g. "#W2001234"
        payment_method_id: the new payment method, e.g. "paypal_1042"
    """
    order = _order(db, order_id)
    if order.status != "pending":
        raise ApiError(f"order {order_id} is {order.status}; only pending (unmodified) orders can change payment")
    payments = [t for t in _transactions(db, order_id) if t.kind == "payment"]
    if len(payments) != 1:
        raise ApiError("orders with several payments cannot change payment method")
    old = db.get(PaymentMethod, payments[0].payment_method_id)
    new = _method(db, order.user_id, payment_method_id)
    if new.payment_method_id == old.payment_method_id:
        raise ApiError("the new payment method is the one already used")
    amount = payments[0].amount_cents
    if new.kind == "gift_card":
        if (new.balance_cents or 0) < amount:
            raise ApiError("the gift card balance is not enough to pay this order")
        new.balance_cents = (new.balance_cents or 0) - amount
    if old.kind == "gift_card":
        old.balance_cents = (old.balance_cents or 0) + amount
    _add_transaction(db, order_id, "payment", new, amount)
    _add_transaction(db, order_id, "refund", old, amount)
    db.flush()
    return _order_view(db, order)


@api("write")
def modify_pending_order_items(db: Session, order_id: str, item_ids: list[str], new_item_ids: list[str],
                               payment_method_id: str) -> dict[str, Any]:
    """Swap items of a pending order for other options of the same product (allowed once per order).

    Args:
        order_id: the order id, e.g. "#W2001234"
        item_ids: the item ids to replace
        new_item_ids: the replacement item ids, in the same order (same product, available)
        payment_method_id: pays (or receives) the price difference
    """
    order = _order(db, order_id)
    if order.status != "pending":
        raise ApiError(f"order {order_id} is {order.status}; only pending (unmodified) orders can change items")
    lines = _pick_lines(db, order, item_ids)
    targets = _swap_targets(db, lines, new_item_ids)
    method = _method(db, order.user_id, payment_method_id)
    diff = sum(t.price_cents for t in targets) - sum(line.price_cents for line in lines)
    _settle(db, order, method, diff)
    for line, target in zip(lines, targets):
        line.item_id, line.price_cents = target.item_id, target.price_cents
    order.status = "pending (item modified)"
    db.flush()
    return _order_view(db, order)


@api("write")
def return_delivered_order_items(db: Session, order_id: str, item_ids: list[str], payment_method_id: str) -> dict[str, Any]:
    """Request a return of items of a delivered order; the refund goes to the original payment method or a gift card.

    Args:
        order_id: the order id, e.g. "#W2001234"
        item_ids: the item ids to return
        payment_method_id: receives the refund: the order's original payment method or one of the customer's gift cards
    """
    order = _order(db, order_id)
    if order.status != "delivered":
        raise ApiError(f"order {order_id} is {order.status}; only delivered orders can be returned")
    lines = _pick_lines(db, order, item_ids)
    method = _method(db, order.user_id, payment_method_id)
    original = {t.payment_method_id for t in _transactions(db, order_id) if t.kind == "payment"}
    if method.kind != "gift_card" and method.payment_method_id not in original:
        raise ApiError("refunds go to the original payment method or a gift card")
    for line in lines:
        line.status = "return requested"
    _add_transaction(db, order_id, "refund", method, sum(line.price_cents for line in lines))
    order.status = "return requested"
    db.flush()
    return _order_view(db, order)


@api("write")
def exchange_delivered_order_items(db: Session, order_id: str, item_ids: list[str], new_item_ids: list[str],
                                   payment_method_id: str) -> dict[str, Any]:
    """Request an exchange of items of a delivered order for other options of the same product.

    Args:
        order_id: the order id, e.g. "#W2001234"
        item_ids: the item ids to exchange
        new_item_ids: the replacement item ids, in the same order (same product, available)
        payment_method_id: pays (or receives) the price difference
    """
    order = _order(db, order_id)
    if order.status != "delivered":
        raise ApiError(f"order {order_id} is {order.status}; only delivered orders can be exchanged")
    lines = _pick_lines(db, order, item_ids)
    targets = _swap_targets(db, lines, new_item_ids)
    method = _method(db, order.user_id, payment_method_id)
    _settle(db, order, method, sum(t.price_cents for t in targets) - sum(line.price_cents for line in lines))
    for line, target in zip(lines, targets):
        line.status, line.exchange_item_id = "exchange requested", target.item_id
    order.status = "exchange requested"
    db.flush()
    return _order_view(db, order)


@api("write")
def modify_user_address(db: Session, user_id: str, address1: str, address2: str, city: str, state: str,
                        zip: str) -> dict[str, Any]:
    """Change a customer's default address (existing orders keep theirs).

    Args:
        user_id: the user id
        address1: street address
        address2: apartment or suite, or "" when there is none
        city: city
        state: two-letter state code
        zip: 5-digit zip code
    """
    user = _user(db, user_id)
    user.address1, user.address2, user.city, user.state, user.zip = address1, address2, city, state, zip
    db.flush()
    return get_user_details.fn(db, user_id)


TOOLS = (
    find_user_id_by_email, find_user_id_by_name_zip, get_user_details, get_order_details, get_product_details,
    list_all_product_types, calculate, cancel_pending_order, modify_pending_order_address,
    modify_pending_order_payment, modify_pending_order_items, return_delivered_order_items,
    exchange_delivered_order_items, modify_user_address,
)
